package dev.countersign.challenge.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.challenge.redis.RedisReplies;
import dev.countersign.challenge.redis.RedisScript;
import dev.countersign.challenge.redis.RedisScripts;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * A user's pending challenges by deadline at {@code cs:{u:<tenant>:<userId>}:pending}, for the
 * device's fetch (docs/protocol/decisions.md#9-push-challenge-selection) and the per-user cap on pending push challenges.
 */
@ApplicationScoped
public class PendingIndex {

    private static final RedisScript RESERVE = RedisScript.load("lifecycle/reserve");

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
     * Takes a place in the user's pending index unless {@code maxPending} challenges are pending;
     * empty when added, else the deadline of the oldest pending one.
     */
    public Uni<Optional<Instant>> reserve(String tenantId, String userId, String challengeId, Instant deadline,
            int maxPending, Instant now, Duration indexTtl) {
        return scripts.run(RESERVE, key(tenantId, userId), ChallengeStore.millis(now), Integer.toString(maxPending),
                        challengeId, ChallengeStore.millis(deadline), Long.toString(indexTtl.toMillis()))
                .map(reply -> reply.get(0).toInteger() == 1
                        ? Optional.<Instant>empty()
                        : Optional.of(Instant.ofEpochMilli((long) Double.parseDouble(reply.get(1).toString()))));
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
