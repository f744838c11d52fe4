package dev.countersign.local.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRedisTest {

    @Test
    void execRaceWithAForkedChildIsRecognisedThroughTheCauseChain() {
        IOException busy = new IOException("Failed to start Redis service", new IOException(
                "Cannot run program \"/tmp/x/redis-server\"", new IOException("error=26, Text file busy")));
        assertThat(LocalRedis.isTextFileBusy(busy)).isTrue();
    }

    @Test
    void otherStartFailuresAreNotRetried() {
        assertThat(LocalRedis.isTextFileBusy(new IOException("Failed to start Redis service",
                new IOException("error=2, No such file or directory")))).isFalse();
        assertThat(LocalRedis.isTextFileBusy(new IOException((String) null))).isFalse();
    }

    @Test
    void appendOnlyRedisFsyncsEverySecondAndKeepsItsDataOverARestart(@TempDir Path dir) throws Exception {
        LocalRedis redis = LocalRedis.startAppendOnly(dir);
        try {
            assertThat(command(redis, "CONFIG", "GET", "appendonly")).containsExactly("appendonly", "yes");
            assertThat(command(redis, "CONFIG", "GET", "appendfsync")).containsExactly("appendfsync", "everysec");
            assertThat(command(redis, "SET", "cs:{ch:kept}", "approved")).containsExactly("OK");

            redis.stop();
            redis.restart();

            assertThat(command(redis, "GET", "cs:{ch:kept}")).containsExactly("approved");
            assertThat(Files.list(dir).map(p -> p.getFileName().toString())).contains("appendonly.aof");
        } finally {
            redis.close();
        }
    }

    @Test
    void inMemoryRedisComesBackEmptyFromARestart(@TempDir Path dir) throws Exception {
        LocalRedis redis = LocalRedis.start(dir);
        try {
            assertThat(command(redis, "CONFIG", "GET", "appendonly")).containsExactly("appendonly", "no");
            command(redis, "SET", "cs:{ch:gone}", "approved");

            redis.stop();
            redis.restart();

            assertThat(command(redis, "GET", "cs:{ch:gone}")).containsExactly((String) null);
        } finally {
            redis.close();
        }
    }

    @Test
    void theAppendOnlySettingIsReadFromItsProperty() {
        assertThat(InfrastructureSettings.fromEnvironment().redisAppendOnly()).isFalse();
        System.setProperty("countersign.redis.appendonly", "true");
        try {
            assertThat(InfrastructureSettings.fromEnvironment().redisAppendOnly()).isTrue();
        } finally {
            System.clearProperty("countersign.redis.appendonly");
        }
    }

    /** One command in RESP; answers a status, a bulk string or an array of bulk strings as a list. */
    private static List<String> command(LocalRedis redis, String... args) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", redis.port())) {
            StringBuilder request = new StringBuilder("*" + args.length + "\r\n");
            for (String arg : args) {
                request.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            List<String> reply = new ArrayList<>();
            switch (line.charAt(0)) {
                case '+' -> reply.add(line.substring(1));
                case '$' -> reply.add(line.equals("$-1") ? null : in.readLine());
                case '*' -> {
                    for (int i = Integer.parseInt(line.substring(1)); i > 0; i--) {
                        in.readLine();
                        reply.add(in.readLine());
                    }
                }
                default -> throw new IOException("Redis answered " + line);
            }
            return reply;
        }
    }
}
