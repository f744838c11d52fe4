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

    /** @param dir where the binary is unpacked; removed with the run directory */
    public static LocalRedis start(Path dir) {
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
            throw new UncheckedIOException("Redis did not start", e);
        }
    }

    public String url() {
        return url;
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
