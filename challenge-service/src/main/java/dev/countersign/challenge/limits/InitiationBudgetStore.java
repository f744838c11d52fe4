package dev.countersign.challenge.limits;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Rate-limit state in Redis at {@code cs:{rl:<tenant>:<subject>}:<window>} (DESIGN's Redis keys):
 * subjects {@code u:<userId>} and {@code ip:<address>}; windows {@code push} (a sliding log of
 * push initiations: a sorted set of unique members scored by epoch millis) and {@code backoff}
 * (a hash {@code rejections}, {@code until}). A user's two keys share a hash tag, so the back-off
 * check and the user's budget are one script on one Redis Cluster slot. Every key gets a TTL.
 * Times are the service clock's, passed in, so tests move the clock instead of sleeping.
 */
@ApplicationScoped
public class InitiationBudgetStore {

    /** Sliding log: drop entries older than the window; admit and record, or say when a slot frees up. */
    private static final String BUDGET_FUNCTION = """
            local function budget(key, now, window, limit, member)
              redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
              local count = redis.call('ZCARD', key)
              if count >= limit then
                -- The request fits once the (count - limit + 1) oldest entries have left the window.
                local freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
                return {0, tonumber(freeing[2]) + window - now}
              end
              redis.call('ZADD', key, now, member)
              redis.call('PEXPIRE', key, window)
              return {1, 0}
            end
            """;

    /** KEYS: the user's back-off hash, the user's budget; ARGV: now, window, limit, member. */
    private static final String USER_GATE = BUDGET_FUNCTION + """
            local now = tonumber(ARGV[1])
            local untilMs = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
            if untilMs > now then
              return {0, untilMs - now, 'backoff'}
            end
            local result = budget(KEYS[2], now, tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4])
            if result[1] == 0 then
              return {0, result[2], 'budget'}
            end
            return {1, 0, 'admitted'}
            """;

    /** KEYS: a budget; ARGV: now, window, limit, member. */
    private static final String BUDGET = BUDGET_FUNCTION + """
            return budget(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4])
            """;

    /**
     * One more consecutive rejection: the wait is base * 2^(n-1), capped; the hash lives for the
     * memory, and at least as long as the wait. ARGV: now, base, max, memory. Answers {n, wait}.
     */
    private static final String REJECTED = """
            local now = tonumber(ARGV[1])
            local base = tonumber(ARGV[2])
            local max = tonumber(ARGV[3])
            local memory = tonumber(ARGV[4])
            local n = redis.call('HINCRBY', KEYS[1], 'rejections', 1)
            local wait = max
            if n <= 40 then
              wait = math.min(base * 2 ^ (n - 1), max)
            end
            redis.call('HSET', KEYS[1], 'until', string.format('%.0f', now + wait))
            redis.call('PEXPIRE', KEYS[1], math.max(memory, wait))
            return {n, wait}
            """;

    private final ReactiveRedisDataSource redis;

    public InitiationBudgetStore(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    public static String userBudgetKey(String tenantId, String userId) {
        return key(tenantId, "u:" + userId, "push");
    }

    public static String backoffKey(String tenantId, String userId) {
        return key(tenantId, "u:" + userId, "backoff");
    }

    public static String addressBudgetKey(String tenantId, String address) {
        return key(tenantId, "ip:" + address, "push");
    }

    /** The budget of anonymous QR challenges created from one client address. */
    public static String qrAddressBudgetKey(String tenantId, String address) {
        return key(tenantId, "ip:" + address, "qr");
    }

    private static String key(String tenantId, String subject, String window) {
        return "cs:{rl:" + tenantId + ":" + subject + "}:" + window;
    }

    /**
     * Checks the user's back-off, then admits into the user's budget and records {@code member}
     * there — atomically, so concurrent initiations never exceed the budget.
     */
    public Uni<Gate> admitUser(String tenantId, String userId, Instant now, Duration window, int limit, String member) {
        return redis.execute("EVAL", USER_GATE, "2", backoffKey(tenantId, userId), userBudgetKey(tenantId, userId),
                        millis(now), Long.toString(window.toMillis()), Integer.toString(limit), member)
                .map(reply -> new Gate(Outcome.valueOf(reply.get(2).toString().toUpperCase()), retryIn(reply)));
    }

    /** Admits into a client address' budget and records {@code member}, atomically. */
    public Uni<Gate> admitAddress(String tenantId, String address, Instant now, Duration window, int limit,
            String member) {
        return redis.execute("EVAL", BUDGET, "1", addressBudgetKey(tenantId, address),
                        millis(now), Long.toString(window.toMillis()), Integer.toString(limit), member)
                .map(reply -> reply.get(0).toInteger() == 1
                        ? new Gate(Outcome.ADMITTED, Duration.ZERO)
                        : new Gate(Outcome.BUDGET, retryIn(reply)));
    }

    /** Admits into any sliding-window budget (e.g. {@link #qrAddressBudgetKey}) and records {@code member}. */
    public Uni<Gate> admit(String key, Instant now, Duration window, int limit, String member) {
        return redis.execute("EVAL", BUDGET, "1", key, millis(now), Long.toString(window.toMillis()),
                        Integer.toString(limit), member)
                .map(reply -> reply.get(0).toInteger() == 1
                        ? new Gate(Outcome.ADMITTED, Duration.ZERO)
                        : new Gate(Outcome.BUDGET, retryIn(reply)));
    }

    /** Gives back a user's admission that a later check refused, so a refused request costs nothing. */
    public Uni<Void> refundUser(String tenantId, String userId, String member) {
        return redis.sortedSet(String.class).zrem(userBudgetKey(tenantId, userId), member).replaceWithVoid();
    }

    /** Records one more consecutive rejection; answers the back-off now in force. */
    public Uni<Duration> rejected(String tenantId, String userId, Instant now, Duration base, Duration max,
            Duration memory) {
        return redis.execute("EVAL", REJECTED, "1", backoffKey(tenantId, userId), millis(now),
                        Long.toString(base.toMillis()), Long.toString(max.toMillis()), Long.toString(memory.toMillis()))
                .map(reply -> Duration.ofMillis(reply.get(1).toLong()));
    }

    /** An approval ends the run of rejections. */
    public Uni<Void> approved(String tenantId, String userId) {
        return redis.key(String.class).del(backoffKey(tenantId, userId)).replaceWithVoid();
    }

    private static String millis(Instant instant) {
        return Long.toString(instant.toEpochMilli());
    }

    private static Duration retryIn(Response reply) {
        return Duration.ofMillis(Math.max(0, reply.get(1).toLong()));
    }

    public enum Outcome {
        ADMITTED,
        /** The user is waiting out a back-off after rejections. */
        BACKOFF,
        /** The budget of the window is spent. */
        BUDGET
    }

    /** Whether the request may go on, and if not, how long until it could. */
    public record Gate(Outcome outcome, Duration retryIn) {

        public boolean admitted() {
            return outcome == Outcome.ADMITTED;
        }
    }
}
