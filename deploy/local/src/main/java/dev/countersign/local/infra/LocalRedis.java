package dev.countersign.local.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/** A real redis-server (the binary shipped in embedded-redis), without persistence. */
public final class LocalRedis implements AutoCloseable {

    private final RedisServer server;
    private final String url;

    private LocalRedis(RedisServer server, String url) {
        this.server = server;
        this.url = url;
    }

    /** Tries to exec the freshly unpacked binary; see {@link #isTextFileBusy}. */
    private static final int EXEC_ATTEMPTS = 10;

    /** @param dir where the binary is unpacked; removed with the run directory */
    public static LocalRedis start(Path dir) {
        for (int attempt = 1; ; attempt++) {
            int port = FreePorts.pick();
            try {
                RedisServer server = RedisServer.newRedisServer()
                        .executableProvider(ExecutableProvider.newJarResourceProvider(dir.toFile()))
                        .bind("127.0.0.1")
                        .port(port)
                        .setting("save \"\"")
                        .setting("appendonly no")
                        .setting("dir " + dir)
                        .build();
                server.start();
                return new LocalRedis(server, "redis://127.0.0.1:" + port);
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

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting Redis", e);
        }
    }

    public String url() {
        return url;
    }

    /** Stops the server but keeps its port and directory, so that {@link #restart} brings it back, empty. */
    public void stop() {
        close();
    }

    /** Starts the stopped server again on the same port (tests of a Redis outage). */
    public void restart() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Redis did not start again", e);
        }
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
