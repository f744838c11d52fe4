package dev.countersign.challenge.lifecycle;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.challenge.redis.RedisReplies;
import dev.countersign.challenge.redis.RedisScript;
import dev.countersign.challenge.redis.RedisScripts;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * The outbox's bookkeeping (see {@link ChallengeOutbox}): the acknowledgement of a published event
 * on the challenge's hash, and the unpublished index {@code cs:{outbox}:challenges}, the challenges
 * that may have unpublished events, scored by when the repair should look at them, with the W3C
 * {@code traceparent} of the request that listed each in {@code cs:{outbox}:traces}
 * (docs/observability.md#tracing).
 */
@ApplicationScoped
public class OutboxStore {

    public static final String UNPUBLISHED = "cs:{outbox}:challenges";
    /** The trace context of each listed challenge's latest request (same slot as the index). */
    public static final String TRACES = "cs:{outbox}:traces";

    private static final RedisScript ACK = RedisScript.load("lifecycle/ack");
    private static final RedisScript MARK = RedisScript.load("lifecycle/outbox-mark");
    private static final RedisScript CLAIM = RedisScript.load("lifecycle/outbox-claim");
    private static final RedisScript FORGET = RedisScript.load("lifecycle/outbox-forget");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ReactiveRedisDataSource redis;
    private final RedisScripts scripts;

    public OutboxStore(ReactiveRedisDataSource redis, RedisScripts scripts) {
        this.redis = redis;
        this.scripts = scripts;
    }

    /**
     * Removes published events from the hash ({@code lifecycle/ack.lua}, one call for all of them);
     * with none left, the hash lives {@code retention} after its deadline. Answers how many are left,
     * -1 if gone.
     */
    public Uni<Integer> acknowledge(String challengeId, List<PendingEvent> published, Instant now,
            Duration retention) {
        List<String> args = new ArrayList<>(published.size() + 2);
        args.add(ChallengeStore.millis(now));
        args.add(Long.toString(retention.toMillis()));
        published.forEach(event -> args.add(event.field()));
        return scripts.run(ACK, List.of(ChallengeStore.key(challengeId)), args).map(Response::toInteger);
    }

    /**
     * Lists the challenge in the unpublished index, due for the repair at {@code due}, with the
     * request's trace context (or none). Answers the entry's score (unique: a random fraction of a
     * millisecond), the token to forget it with.
     */
    public Uni<String> markUnpublished(String challengeId, Instant due, Optional<String> traceparent) {
        return scripts.run(MARK, List.of(UNPUBLISHED, TRACES), List.of(challengeId, uniqueScore(due),
                traceparent.orElse(""))).map(Response::toString);
    }

    /** The trace context stored with the challenge's entry, if any. */
    public Uni<Optional<String>> traceparent(String challengeId) {
        return redis.hash(String.class).hget(TRACES, challengeId).map(Optional::ofNullable);
    }

    /** Up to {@code limit} ids of the unpublished index due at or before {@code now}. */
    public Uni<List<String>> dueUnpublished(Instant now, int limit) {
        return redis.execute("ZRANGEBYSCORE", UNPUBLISHED, "-inf", ChallengeStore.millis(now), "LIMIT", "0",
                        Integer.toString(limit))
                .map(RedisReplies::strings);
    }

    /** Claims a due entry until {@code leaseEnd}: its new score, or empty if not claimed. */
    public Uni<Optional<String>> claimUnpublished(String challengeId, Instant now, Instant leaseEnd) {
        return scripts.run(CLAIM, UNPUBLISHED, challengeId, ChallengeStore.millis(now), uniqueScore(leaseEnd))
                .map(reply -> reply == null ? Optional.<String>empty() : Optional.of(reply.toString()));
    }

    /** Forgets the entry if its score is still {@code score} (a later transition rewrote it otherwise). */
    public Uni<Boolean> forgetUnpublished(String challengeId, String score) {
        return scripts.run(FORGET, List.of(UNPUBLISHED, TRACES), List.of(challengeId, score))
                .map(reply -> reply.toInteger() == 1);
    }

    private static String uniqueScore(Instant at) {
        // A double near 2^41 keeps 11 bits below the millisecond: enough to tell two writers apart.
        return Double.toString(at.toEpochMilli() + RANDOM.nextInt(2048) / 2048.0);
    }
}
