package dev.countersign.local.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Real Kafka (KRaft), PostgreSQL and Redis for the local run command and for every test: started
 * in parallel on free loopback ports, each under {@code dir}, unless the settings name an
 * existing server. Topics are created either way. {@link #close()} stops what was started.
 */
public final class LocalInfrastructure implements AutoCloseable {

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private InfrastructureEndpoints endpoints;

    private LocalInfrastructure() {
    }

    public static LocalInfrastructure start(Path dir, InfrastructureSettings settings) {
        LocalInfrastructure infra = new LocalInfrastructure();
        try {
            infra.startAll(dir, settings);
            return infra;
        } catch (RuntimeException e) {
            infra.close();
            throw e;
        }
    }

    private void startAll(Path dir, InfrastructureSettings settings) {
        CompletableFuture<String> kafka = settings.kafkaBootstrapServers()
                .map(CompletableFuture::completedFuture)
                .orElseGet(() -> CompletableFuture.supplyAsync(() -> {
                    KafkaBroker broker = register(KafkaBroker.start(mkdirs(dir.resolve("kafka"))));
                    return broker.bootstrapServers();
                }))
                .thenApply(bootstrap -> {
                    KafkaTopics.create(bootstrap);
                    return bootstrap;
                });
        CompletableFuture<PostgresEndpoint> postgres = settings.postgres()
                .map(CompletableFuture::completedFuture)
                .orElseGet(() -> CompletableFuture.supplyAsync(() -> register(LocalPostgres.start(
                        dir.resolve("postgres"), mkdirs(settings.cacheDir().resolve("postgres")), randomPassword()))
                        .endpoint()));
        CompletableFuture<String> redis = settings.redisUrl()
                .map(CompletableFuture::completedFuture)
                .orElseGet(() -> CompletableFuture.supplyAsync(
                        () -> register(settings.redisAppendOnly()
                                ? LocalRedis.startAppendOnly(mkdirs(dir.resolve("redis")))
                                : LocalRedis.start(mkdirs(dir.resolve("redis")))).url()));
        try {
            CompletableFuture.allOf(kafka, postgres, redis).join();
        } catch (CompletionException e) {
            // Let the others finish starting, so close() can stop them too.
            for (CompletableFuture<?> f : new CompletableFuture<?>[] {kafka, postgres, redis}) {
                f.exceptionally(ignored -> null).join();
            }
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        endpoints = new InfrastructureEndpoints(kafka.join(), redis.join(), postgres.join());
    }

    /** The Kafka broker this instance started, if it started one (not for an existing server named in the settings). */
    public synchronized java.util.Optional<KafkaBroker> kafkaBroker() {
        return startedOf(KafkaBroker.class);
    }

    public synchronized java.util.Optional<LocalRedis> redis() {
        return startedOf(LocalRedis.class);
    }

    public synchronized java.util.Optional<LocalPostgres> postgres() {
        return startedOf(LocalPostgres.class);
    }

    private <T> java.util.Optional<T> startedOf(Class<T> type) {
        return started.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** Servers started that are no descendants of this JVM (the detached PostgreSQL server). */
    public synchronized List<Long> detachedPids() {
        return started.stream().filter(LocalPostgres.class::isInstance)
                .flatMap(s -> ((LocalPostgres) s).serverPid().stream()).toList();
    }

    public InfrastructureEndpoints endpoints() {
        return endpoints;
    }

    private synchronized <T extends AutoCloseable> T register(T server) {
        started.push(server);
        return server;
    }

    private static Path mkdirs(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Stops every server this instance started, the last started first; never throws. */
    @Override
    public synchronized void close() {
        while (!started.isEmpty()) {
            AutoCloseable server = started.pop();
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("Stopping " + server.getClass().getSimpleName() + " failed: " + e);
            }
        }
    }
}
