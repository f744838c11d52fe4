package dev.countersign.challenge.push;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;

/**
 * Nonces for the signed push-challenge fetch (docs/protocol/wire.md#72-additions-of-the-newer-sdks), at {@code cs:{n:<tenant>:<key fingerprint>}}:
 * the last one issued for a key replaces any earlier one, and a fetch takes it with {@code GETDEL},
 * so each nonce verifies at most one fetch.
 */
@ApplicationScoped
public class FetchNonceStore {

    private final ReactiveRedisDataSource redis;

    public FetchNonceStore(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    public static String key(String tenantId, String fingerprint) {
        return "cs:{n:" + tenantId + ":" + fingerprint + "}";
    }

    public Uni<Void> put(String tenantId, String fingerprint, String nonce, Duration ttl) {
        return redis.value(String.class).set(key(tenantId, fingerprint), nonce, new SetArgs().px(ttl));
    }

    public Uni<Optional<String>> take(String tenantId, String fingerprint) {
        return redis.value(String.class).getdel(key(tenantId, fingerprint)).map(Optional::ofNullable);
    }
}
