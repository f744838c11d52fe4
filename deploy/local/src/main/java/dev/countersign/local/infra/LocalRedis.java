package dev.countersign.local.infra;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * A real redis-server (the binary shipped in embedded-redis, Redis 6.2): without persistence by
 * default, or with an append-only file ({@link #startAppendOnly}) that survives a restart.
 */
public final class LocalRedis implements AutoCloseable, FaultHandle {

    private final RedisServer server;
    private final int port;
    private long pid;

    private LocalRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Tries to exec the freshly unpacked binary; see {@link #isTextFileBusy}. */
    private static final int EXEC_ATTEMPTS = 10;

    /** Settings of a Redis whose data lives only in memory. */
    static final List<String> IN_MEMORY = List.of("save \"\"", "appendonly no");

    /**
     * Settings of a Redis that logs every write to its append-only file and fsyncs it once a
     * second: a crash loses at most about the last second of writes (docs/reliability.md).
     */
    static final List<String> APPEND_ONLY = List.of("save \"\"", "appendonly yes", "appendfsync everysec");

    /** @param dir where the binary is unpacked; removed with the run directory */
    public static LocalRedis start(Path dir) {
        return start(dir, IN_MEMORY);
    }

    /** @param dir where the binary is unpacked and the append-only file kept */
    public static LocalRedis startAppendOnly(Path dir) {
        return start(dir, APPEND_ONLY);
    }

    /**
     * A redis-server with the given configuration lines (tests start cluster nodes with it).
     *
     * @param dir its working directory (binary, append-only file, cluster config), one per server
     */
    public static LocalRedis start(Path dir, List<String> settings) {
        for (int attempt = 1; ; attempt++) {
            // A cluster node also listens on port + 10000 (its bus), which must be a valid port.
            int port = pickPortBelow(65535 - 10000);
            try {
                var builder = RedisServer.newRedisServer()
                        .executableProvider(ExecutableProvider.newJarResourceProvider(dir.toFile()))
                        .bind("127.0.0.1")
                        .port(port);
                settings.forEach(builder::setting);
                RedisServer server = builder.setting("dir " + dir).build();
                server.start();
                return new LocalRedis(server, port);
            } catch (IOException e) {
                if (attempt < EXEC_ATTEMPTS && isTextFileBusy(e)) {
                    pause(50L * attempt);
                    continue;
                }
                throw new UncheckedIOException("Redis did not start", e);
            }
        }
    }

    /**
     * ETXTBSY: the binary was just written, and a process forked meanwhile by another thread (Kafka
     * and PostgreSQL start in parallel) still holds the write handle until it execs. Nothing is
     * wrong with the file; exec works a moment later.
     */
    static boolean isTextFileBusy(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Text file busy")) {
                return true;
            }
        }
        return false;
    }

    private static int pickPortBelow(int limit) {
        for (;;) {
            int port = FreePorts.pick();
            if (port < limit) {
                return port;
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting Redis", e);
        }
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /**
     * Stops the server but keeps its port and directory, so that {@link #restart} brings it back:
     * empty, or with what its append-only file holds.
     */
    public void stop() {
        close();
    }

    /**
     * Starts the stopped or killed server again on the same port (tests of a Redis outage): empty
     * without persistence, else with what its append-only file holds.
     */
    @Override
    public synchronized void restart() {
        try {
            server.start();
            pid = 0;
        } catch (IOException e) {
            throw new UncheckedIOException("Redis did not start again", e);
        }
    }

    /** The server's process id, as it reports it ({@code INFO server}); asked while it answers, so before a pause. */
    @Override
    public synchronized long pid() {
        if (pid == 0) {
            String info = String.join("\n", command("INFO", "server"));
            pid = info.lines().filter(l -> l.startsWith("process_id:")).map(l -> Long.parseLong(l.substring(11).strip()))
                    .findFirst().orElseThrow(() -> new IllegalStateException("No process_id in INFO server"));
        }
        return pid;
    }

    /** SIGKILL: whatever is only in memory is gone; the server is then stopped as far as {@link #restart} knows. */
    @Override
    public synchronized void kill() {
        Signals.killTree(pid());
        try {
            server.stop();
        } catch (IOException | RuntimeException alreadyGone) {
            // the process is dead; stop() only had to forget it
        }
    }

    /**
     * Sends one command on a connection of its own and answers the reply flattened to strings: a
     * status, integer or bulk string as one element (a nil as {@code null}), an array as its
     * elements. For setting servers up (cluster slots) and for tests; an error reply throws.
     */
    public List<String> command(String... args) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                        .append(arg).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            List<String> reply = new ArrayList<>();
            readReply(new BufferedInputStream(socket.getInputStream()), reply);
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException("Redis on port " + port + " did not answer " + args[0], e);
        }
    }

    private static void readReply(InputStream in, List<String> into) throws IOException {
        String line = readLine(in);
        String rest = line.substring(1);
        switch (line.charAt(0)) {
            case '+', ':' -> into.add(rest);
            case '-' -> throw new IOException("Redis answered " + rest);
            case '$' -> {
                int length = Integer.parseInt(rest);
                if (length < 0) {
                    into.add(null);
                } else {
                    into.add(new String(in.readNBytes(length), StandardCharsets.UTF_8));
                    readLine(in);
                }
            }
            case '*' -> {
                for (int i = Integer.parseInt(rest); i > 0; i--) {
                    readReply(in, into);
                }
            }
            default -> throw new IOException("Not a RESP reply: " + line);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\r'; c = in.read()) {
            if (c < 0) {
                throw new IOException("Redis closed the connection");
            }
            line.append((char) c);
        }
        in.read();
        return line.toString();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
