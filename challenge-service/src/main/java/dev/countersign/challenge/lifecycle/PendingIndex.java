package dev.countersign.challenge.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.challenge.redis.RedisReplies;
import dev.countersign.challenge.redis.RedisScript;
import dev.countersign.challenge.redis.RedisScripts;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * A user's pending push challenges by deadline at {@code cs:{u:<tenant>:<userId>}:pending}, for the
 * device's fetch (docs/protocol/decisions.md#9-push-challenge-selection) and for superseding: a new
 * push challenge displaces the pending ones (docs/protocol/decisions.md#26-a-new-push-supersedes-the-pending-ones).
 */
@ApplicationScoped
public class PendingIndex {

    private static final RedisScript REPLACE = RedisScript.load("lifecycle/replace-pending");

    private final ReactiveRedisDataSource redis;
    private final RedisScripts scripts;

    public PendingIndex(ReactiveRedisDataSource redis, RedisScripts scripts) {
        this.redis = redis;
        this.scripts = scripts;
    }

    public static String key(String tenantId, String userId) {
        return "cs:{u:" + tenantId + ":" + userId + "}:pending";
    }

    /**
     * Puts the challenge into the user's pending index as its only entry; answers the pending ones
     * it displaced, which the caller must end (see {@link ChallengeSupersession}). Atomic on the index,
     * so of concurrent initiations exactly one stays.
     */
    public Uni<List<String>> replace(String tenantId, String userId, String challengeId, Instant deadline,
            Instant now, Duration indexTtl) {
        return scripts.run(REPLACE, key(tenantId, userId), ChallengeStore.millis(now), challengeId,
                        ChallengeStore.millis(deadline), Long.toString(indexTtl.toMillis()))
                .map(RedisReplies::strings);
    }

    /** Gives the place back (the challenge ended, or was never stored). */
    public Uni<Void> release(String tenantId, String userId, String challengeId) {
        return redis.sortedSet(String.class).zrem(key(tenantId, userId), challengeId).replaceWithVoid();
    }

    /** The user's pending challenge ids whose deadline is after {@code now}, oldest deadline first. */
    public Uni<List<String>> pendingIds(String tenantId, String userId, Instant now) {
        return redis.execute("ZRANGEBYSCORE", key(tenantId, userId), "(" + ChallengeStore.millis(now), "+inf")
                .map(RedisReplies::strings);
    }
}
