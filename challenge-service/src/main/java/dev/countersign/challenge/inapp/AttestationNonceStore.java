package dev.countersign.challenge.inapp;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.challenge.redis.RedisScript;
import dev.countersign.challenge.redis.RedisScripts;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * The attestation nonces issued for an action, at {@code cs:{a:<tenant>:<idempotencyKey>}:attestation-nonces}
 * (the action's hash tag): a sorted set nonce → expiry, so credential-service can find the nonce an
 * App Attest statement holds only hashed (docs/attestation.md). The {@link #KEPT} expiring last stay.
 */
@ApplicationScoped
public class AttestationNonceStore {

    /** Enough for an SDK that asked again after a failed attempt; a loop cannot grow the set. */
    static final int KEPT = 5;
    private static final RedisScript RECORD = RedisScript.load("inapp/nonce-record");

    private final RedisScripts scripts;
    private final ReactiveRedisDataSource redis;

    public AttestationNonceStore(RedisScripts scripts, ReactiveRedisDataSource redis) {
        this.scripts = scripts;
        this.redis = redis;
    }

    public static String key(String tenantId, String idempotencyKey) {
        return "cs:{a:" + tenantId + ":" + idempotencyKey + "}:attestation-nonces";
    }

    public Uni<Void> record(String tenantId, String idempotencyKey, String nonce, Instant expiresAt, Instant now) {
        return scripts.run(RECORD, key(tenantId, idempotencyKey), nonce, Long.toString(expiresAt.toEpochMilli()),
                Long.toString(now.toEpochMilli()), Integer.toString(KEPT)).replaceWithVoid();
    }

    /** The action's unexpired nonces, oldest first. */
    public Uni<List<String>> unexpired(String tenantId, String idempotencyKey, Instant now) {
        return redis.execute("ZRANGEBYSCORE", key(tenantId, idempotencyKey), "(" + now.toEpochMilli(), "+inf")
                .map(reply -> {
                    List<String> nonces = new ArrayList<>();
                    reply.forEach(nonce -> nonces.add(nonce.toString()));
                    return nonces;
                });
    }
}
