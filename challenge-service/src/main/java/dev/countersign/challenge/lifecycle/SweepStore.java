package dev.countersign.challenge.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.challenge.metrics.ChallengeMetrics;
import dev.countersign.challenge.redis.RedisReplies;
import dev.countersign.challenge.redis.RedisScript;
import dev.countersign.challenge.redis.RedisScripts;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * The sweeper's queries: every challenge by deadline at {@code cs:{sweep}:deadlines}; a sweeper
 * claims an id with {@code ZREM}, so of several replicas exactly one emits {@code challenge.expired},
 * by the expiry script on the challenge's hash.
 */
@ApplicationScoped
public class SweepStore {

    public static final String DEADLINES = "cs:{sweep}:deadlines";

    private static final RedisScript EXPIRE = RedisScript.load("lifecycle/expire");

    private final ReactiveRedisDataSource redis;
    private final RedisScripts scripts;
    private final ChallengeMetrics metrics;

    public SweepStore(ReactiveRedisDataSource redis, RedisScripts scripts, ChallengeMetrics metrics) {
        this.metrics = metrics;
        this.redis = redis;
        this.scripts = scripts;
    }

    /** Lists an id for the sweep at {@code at}: a new challenge's deadline, or a later look. */
    public Uni<Void> schedule(String challengeId, Instant at) {
        return redis.sortedSet(String.class).zadd(DEADLINES, at.toEpochMilli(), challengeId).replaceWithVoid();
    }

    /** Up to {@code limit} challenge ids whose deadline is at or before {@code now}. */
    public Uni<List<String>> due(Instant now, int limit) {
        return redis.execute("ZRANGEBYSCORE", DEADLINES, "-inf", ChallengeStore.millis(now), "LIMIT", "0",
                        Integer.toString(limit))
                .map(RedisReplies::strings);
    }

    /** Claims a due id for this sweeper: true for exactly one of several concurrent claimers. */
    public Uni<Boolean> claim(String challengeId) {
        return redis.sortedSet(String.class).zrem(DEADLINES, challengeId).map(removed -> removed == 1);
    }

    /** Runs the expiry script ({@code lifecycle/expire.lua}) on the challenge's hash. */
    public Uni<Expiry> expire(String challengeId, Instant now, Duration outboxRetention) {
        return scripts.run(EXPIRE, ChallengeStore.key(challengeId), ChallengeStore.millis(now),
                Long.toString(outboxRetention.toMillis())).map(reply -> {
                    String outcome = reply.get(0).toString();
                    Optional<Snapshot> challenge = reply.size() > 1
                            ? Optional.of(ChallengeStore.snapshot(reply.get(1)))
                            : Optional.empty();
                    return new Expiry(switch (outcome) {
                        case "expired" -> ExpiryOutcome.EXPIRED;
                        case "already" -> ExpiryOutcome.ALREADY_EXPIRED;
                        case "open" -> ExpiryOutcome.OPEN;
                        default -> ExpiryOutcome.GONE;
                    }, challenge);
                }).invoke(expiry -> {
                    if (expiry.outcome() == ExpiryOutcome.EXPIRED) {
                        expiry.challenge().ifPresent(expired -> metrics.ended(expired.challenge(), now));
                    }
                });
    }

    public enum ExpiryOutcome {
        EXPIRED,
        ALREADY_EXPIRED,
        OPEN,
        /** Answered or burned (its leftover events, if any, are in the snapshot), or no longer stored. */
        GONE
    }

    public record Expiry(ExpiryOutcome outcome, Optional<Snapshot> challenge) {
    }
}
