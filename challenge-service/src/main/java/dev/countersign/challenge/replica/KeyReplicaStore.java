package dev.countersign.challenge.replica;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.challenge.redis.RedisScript;
import dev.countersign.challenge.redis.RedisScripts;
import dev.countersign.common.credential.CredentialKind;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * The replica of device public keys in Redis, written only through versioned scripts so that
 * events may arrive late, twice or out of order and the newest change still wins.
 *
 * <ul>
 * <li>{@code cs:{k:<tenant>:<kind>:<fingerprint>}}: one hash per public key (credentialId, userId,
 * kind, publicKey, version, removed, occurredAt). A removal leaves a tombstone with its version for
 * {@link #TOMBSTONE_TTL}, so an older {@code added} replayed later changes nothing.</li>
 * <li>{@code cs:{u:<tenant>:<userId>}:credentials}: the user's credentials, credentialId →
 * {@code <version>:<removed 0|1>:<kind>:<expiresAt epoch ms, empty = never>} (entries written
 * before expiry existed lack the last part and never expire). Versioned per credential as well, so this second key is
 * written by its own script: each script touches one hash tag (Redis Cluster-safe), and each is
 * correct on its own, whatever happens between the two calls.</li>
 * </ul>
 */
@ApplicationScoped
public class KeyReplicaStore {

    private static final RedisScript APPLY_KEY = RedisScript.load("replica/apply-key");
    private static final RedisScript APPLY_USER = RedisScript.load("replica/apply-user");
    private static final RedisScript APPLY_PUSH_TARGET = RedisScript.load("replica/apply-push-target");

    /**
     * How long a removed key is remembered. It must outlast any replay of an older event for that
     * credential: the compacted topic keeps only the latest event per credential once compaction
     * ran, and the removal is the latest.
     */
    public static final Duration TOMBSTONE_TTL = Duration.ofDays(30);

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final ReactiveRedisDataSource redis;
    private final RedisScripts scripts;

    public KeyReplicaStore(ReactiveRedisDataSource redis, RedisScripts scripts) {
        this.redis = redis;
        this.scripts = scripts;
    }

    public static String keyEntry(String tenantId, CredentialKind kind, String fingerprint) {
        return "cs:{k:" + tenantId + ":" + kind.wireName() + ":" + fingerprint + "}";
    }

    public static String userIndex(String tenantId, String userId) {
        return "cs:{u:" + tenantId + ":" + userId + "}:credentials";
    }

    /** The user's push delivery data (platform and token per push credential). */
    public static String pushTargets(String tenantId, String userId) {
        return "cs:{u:" + tenantId + ":" + userId + "}:push-targets";
    }

    /**
     * Records where a push credential's device is reached, as of {@code version}; a null or blank
     * token (removed, cleared after the provider reported it dead) leaves no address.
     */
    public Uni<Boolean> applyPushTarget(String tenantId, String userId, String credentialId, long version,
            String platform, String pushToken) {
        boolean reachable = pushToken != null && !pushToken.isBlank() && platform != null && !platform.isBlank();
        return scripts.run(APPLY_PUSH_TARGET, pushTargets(tenantId, userId), credentialId,
                        Long.toString(version), reachable ? pushToken : "",
                        reachable ? platform.strip().toLowerCase(java.util.Locale.ROOT) : "")
                .map(reply -> reply.toInteger() == 1);
    }

    /** Platform and token of those of {@code credentialIds} that have one, in the given order. */
    public Uni<List<dev.countersign.common.event.PushTarget>> pushTargets(String tenantId, String userId,
            List<String> credentialIds) {
        if (credentialIds == null || credentialIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return redis.hash(String.class).hmget(pushTargets(tenantId, userId), credentialIds.toArray(String[]::new))
                .map(values -> {
                    List<dev.countersign.common.event.PushTarget> targets = new ArrayList<>();
                    for (String credentialId : credentialIds) {
                        String value = values == null ? null : values.get(credentialId);
                        if (value == null) {
                            continue;
                        }
                        try {
                            var entry = JSON.readTree(value);
                            if (entry.hasNonNull("pushToken") && entry.hasNonNull("platform")) {
                                targets.add(new dev.countersign.common.event.PushTarget(credentialId,
                                        entry.get("platform").asText(), entry.get("pushToken").asText()));
                            }
                        } catch (java.io.IOException e) {
                            // Written only by the script above; unreadable means no address to use.
                        }
                    }
                    return targets;
                });
    }

    /** Applies one change to the key entry; true when it was newer than what the replica held. */
    public Uni<Boolean> applyToKey(String fingerprint, Change change, Optional<Long> occurredAtMillis) {
        return scripts.run(APPLY_KEY, keyEntry(change.tenantId(), change.kind(), fingerprint),
                        change.credentialId(), Long.toString(change.version()), change.removed() ? "1" : "0",
                        change.userId(), change.kind().wireName(), change.publicKey(), change.tenantId(),
                        occurredAtMillis.map(String::valueOf).orElse(""), Long.toString(TOMBSTONE_TTL.toMillis()),
                        change.expiresAtMillis() == null ? "" : Long.toString(change.expiresAtMillis()))
                .map(reply -> reply.toInteger() == 1);
    }

    /** Applies one change to the user's credential index; true when it was newer. */
    public Uni<Boolean> applyToUser(Change change) {
        return scripts.run(APPLY_USER, userIndex(change.tenantId(), change.userId()),
                        change.credentialId(), Long.toString(change.version()), change.removed() ? "1" : "0",
                        change.kind().wireName(),
                        change.expiresAtMillis() == null ? "" : Long.toString(change.expiresAtMillis()))
                .map(reply -> reply.toInteger() == 1);
    }

    /** The entry for a key: empty when the replica has never heard of it; a tombstone when removed. */
    public Uni<Optional<Entry>> find(String tenantId, CredentialKind kind, String fingerprint) {
        return redis.hash(String.class).hgetall(keyEntry(tenantId, kind, fingerprint))
                .map(fields -> fields == null || fields.isEmpty() ? Optional.empty() : Optional.of(toEntry(fields)));
    }

    /**
     * The kinds of the user's active credentials at {@code nowMillis}, one per credential: not
     * removed and not expired (an expired one counts again once renewed, by its next event).
     */
    public Uni<List<CredentialKind>> activeKinds(String tenantId, String userId, long nowMillis) {
        return redis.hash(String.class).hgetall(userIndex(tenantId, userId)).map(index -> {
            List<CredentialKind> kinds = new ArrayList<>();
            if (index != null) {
                for (String value : index.values()) {
                    activeKind(value, nowMillis).ifPresent(kinds::add);
                }
            }
            return kinds;
        });
    }

    /** The ids of the user's active credentials of one kind at {@code nowMillis} (push initiation's targets). */
    public Uni<List<String>> activeCredentialIds(String tenantId, String userId, CredentialKind kind, long nowMillis) {
        return redis.hash(String.class).hgetall(userIndex(tenantId, userId)).map(index -> {
            List<String> ids = new ArrayList<>();
            if (index != null) {
                index.forEach((credentialId, value) -> {
                    if (activeKind(value, nowMillis).filter(kind::equals).isPresent()) {
                        ids.add(credentialId);
                    }
                });
            }
            ids.sort(null);
            return ids;
        });
    }

    /** The user's active credentials at {@code nowMillis}: credential id → kind. */
    public Uni<Map<String, CredentialKind>> activeCredentials(String tenantId, String userId, long nowMillis) {
        return redis.hash(String.class).hgetall(userIndex(tenantId, userId)).map(index -> {
            Map<String, CredentialKind> active = new java.util.HashMap<>();
            if (index != null) {
                index.forEach((credentialId, value) -> activeKind(value, nowMillis)
                        .ifPresent(kind -> active.put(credentialId, kind)));
            }
            return active;
        });
    }

    /** The kind of an index entry, when the credential is neither removed nor expired at {@code nowMillis}. */
    static Optional<CredentialKind> activeKind(String entry, long nowMillis) {
        String[] parts = entry.split(":", 4);
        if (parts.length < 3 || !"0".equals(parts[1])) {
            return Optional.empty();
        }
        if (parts.length == 4 && !parts[3].isEmpty()) {
            try {
                if (Long.parseLong(parts[3]) <= nowMillis) {
                    return Optional.empty();
                }
            } catch (NumberFormatException e) {
                return Optional.empty(); // written only by replica/apply-user.lua; unreadable is not trusted
            }
        }
        return CredentialKind.fromWireName(parts[2]);
    }

    private static Entry toEntry(Map<String, String> fields) {
        return new Entry(fields.get("credentialId"), fields.get("tenantId"), fields.get("userId"),
                CredentialKind.fromWireName(fields.get("kind")).orElseThrow(), fields.get("publicKey"),
                Long.parseLong(fields.get("version")), "1".equals(fields.get("removed")),
                fields.get("expiresAt") == null || fields.get("expiresAt").isEmpty() ? null
                        : Long.valueOf(fields.get("expiresAt")));
    }

    /** One change of one credential, from an event or from credential-service's answer. */
    public record Change(String tenantId, String credentialId, long version, String userId, CredentialKind kind,
            String publicKey, boolean removed, Long expiresAtMillis) {

        public Change(String tenantId, String credentialId, long version, String userId, CredentialKind kind,
                String publicKey, boolean removed) {
            this(tenantId, credentialId, version, userId, kind, publicKey, removed, null);
        }
    }

    /** What the replica holds for a key; {@code removed} marks a tombstone, {@code expiresAtMillis} null = never. */
    public record Entry(String credentialId, String tenantId, String userId, CredentialKind kind, String publicKey,
            long version, boolean removed, Long expiresAtMillis) {
    }
}
