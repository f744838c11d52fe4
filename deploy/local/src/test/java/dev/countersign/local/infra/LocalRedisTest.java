package dev.countersign.local.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
    void appendOnlyRedisFsyncsEverySecondAndKeepsItsDataOverARestart(@TempDir Path dir) throws IOException {
        LocalRedis redis = LocalRedis.startAppendOnly(dir);
        try {
            assertThat(redis.command("CONFIG", "GET", "appendonly")).containsExactly("appendonly", "yes");
            assertThat(redis.command("CONFIG", "GET", "appendfsync")).containsExactly("appendfsync", "everysec");
            assertThat(redis.command("SET", "cs:{ch:kept}", "approved")).containsExactly("OK");

            redis.stop();
            redis.restart();

            assertThat(redis.command("GET", "cs:{ch:kept}")).containsExactly("approved");
            assertThat(Files.list(dir).map(p -> p.getFileName().toString())).contains("appendonly.aof");
        } finally {
            redis.close();
        }
    }

    @Test
    void inMemoryRedisComesBackEmptyFromARestart(@TempDir Path dir) throws IOException {
        LocalRedis redis = LocalRedis.start(dir);
        try {
            assertThat(redis.command("CONFIG", "GET", "appendonly")).containsExactly("appendonly", "no");
            redis.command("SET", "cs:{ch:gone}", "approved");

            redis.stop();
            redis.restart();

            assertThat(redis.command("GET", "cs:{ch:gone}")).containsExactly((String) null);
        } finally {
            redis.close();
        }
    }

    @Test
    void pausedRedisAnswersNothingUntilResumedAndKilledRedisRestartsEmptyOnItsPort(@TempDir Path dir) throws Exception {
        LocalRedis redis = LocalRedis.start(dir);
        try {
            redis.command("SET", "cs:{ch:gone}", "approved");
            long pid = redis.pid();
            assertThat(Signals.isRunning(pid)).isTrue();

            redis.pause();
            java.util.concurrent.CompletableFuture<java.util.List<String>> frozen =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> redis.command("GET", "cs:{ch:gone}"));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> frozen.get(1, java.util.concurrent.TimeUnit.SECONDS))
                    .as("a stopped process answers nothing").isInstanceOf(java.util.concurrent.TimeoutException.class);
            redis.resume();
            assertThat(frozen.get(30, java.util.concurrent.TimeUnit.SECONDS)).containsExactly("approved");

            redis.kill();
            assertThat(Signals.isRunning(pid)).isFalse();
            redis.restart();

            assertThat(redis.pid()).isNotEqualTo(pid);
            assertThat(redis.command("GET", "cs:{ch:gone}")).containsExactly((String) null);
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
}
