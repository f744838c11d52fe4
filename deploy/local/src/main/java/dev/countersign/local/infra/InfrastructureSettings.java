package dev.countersign.local.infra;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Which servers to start and which to take from the operator. Each address may come from an
 * environment variable or a system property (for tests); when it is set, nothing is started for it.
 *
 * <ul>
 *   <li>{@code COUNTERSIGN_KAFKA_BOOTSTRAP_SERVERS} / {@code countersign.kafka.bootstrap-servers}</li>
 *   <li>{@code COUNTERSIGN_REDIS_URL} / {@code countersign.redis.url} ({@code redis://host:port})</li>
 *   <li>{@code COUNTERSIGN_POSTGRES_URL} / {@code countersign.postgres.url}
 *       ({@code postgresql://user:password@host:port/database})</li>
 *   <li>{@code COUNTERSIGN_REDIS_APPENDONLY} / {@code countersign.redis.appendonly}: {@code true} starts
 *       Redis with an append-only file fsynced every second, kept in the run directory</li>
 *   <li>{@code COUNTERSIGN_CACHE_DIR} / {@code countersign.cache-dir}: where PostgreSQL's binaries
 *       are unpacked once (default {@code ~/.cache/countersign})</li>
 * </ul>
 */
public record InfrastructureSettings(
        Optional<String> kafkaBootstrapServers,
        Optional<String> redisUrl,
        Optional<PostgresEndpoint> postgres,
        Path cacheDir,
        boolean redisAppendOnly) {

    public static InfrastructureSettings fromEnvironment() {
        return new InfrastructureSettings(
                setting("COUNTERSIGN_KAFKA_BOOTSTRAP_SERVERS", "countersign.kafka.bootstrap-servers"),
                setting("COUNTERSIGN_REDIS_URL", "countersign.redis.url"),
                setting("COUNTERSIGN_POSTGRES_URL", "countersign.postgres.url").map(PostgresEndpoint::parse),
                setting("COUNTERSIGN_CACHE_DIR", "countersign.cache-dir").map(Path::of)
                        .orElse(Path.of(System.getProperty("user.home"), ".cache", "countersign")),
                setting("COUNTERSIGN_REDIS_APPENDONLY", "countersign.redis.appendonly")
                        .map(Boolean::parseBoolean).orElse(false));
    }

    /** A setting from the system property if given, else the environment variable; blank means unset. */
    public static Optional<String> setting(String env, String property) {
        String value = System.getProperty(property, System.getenv(env));
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }
}
