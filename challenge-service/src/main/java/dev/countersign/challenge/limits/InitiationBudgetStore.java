package dev.countersign.challenge.limits;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.challenge.redis.RedisScript;
import dev.countersign.challenge.redis.RedisScripts;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Rate-limit state in Redis at {@code cs:{rl:<tenant>:<subject>}:<window>} (docs/architecture.md#redis-keys):
 * subjects {@code u:<userId>} and {@code ip:<address>}; windows {@code push}, {@code qr},
 * {@code qr-tracked} and {@code in-app} (a sliding log of initiations: a sorted set of unique
 * members scored by epoch millis) and {@code backoff}
 * (a hash {@code rejections}, {@code until}). A user's two keys share a hash tag, so the back-off
 * check and the user's budget are one script on one Redis Cluster slot. Every key gets a TTL.
 * Times are the service clock's, passed in, so tests move the clock instead of sleeping.
 */
@ApplicationScoped
public class InitiationBudgetStore {

    private static final RedisScript USER_GATE = RedisScript.load("limits/user-gate");
    private static final RedisScript BUDGET = RedisScript.load("limits/budget");
    private static final RedisScript REJECTED = RedisScript.load("limits/rejected");
    private static final RedisScript APPROVED = RedisScript.load("limits/approved");

    private final ReactiveRedisDataSource redis;
    private final RedisScripts scripts;

    public InitiationBudgetStore(ReactiveRedisDataSource redis, RedisScripts scripts) {
        this.redis = redis;
        this.scripts = scripts;
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

    /** The budget of QR challenges for tracked actions (a track token) created from one client address. */
    public static String trackedQrAddressBudgetKey(String tenantId, String address) {
        return key(tenantId, "ip:" + address, "qr-tracked");
    }

    /** The budget of QR challenges created with one user's track tokens. */
    public static String trackedQrUserBudgetKey(String tenantId, String userId) {
        return key(tenantId, "u:" + userId, "qr-tracked");
    }

    /** The budget of in-app challenges created from one client address. */
    public static String inAppAddressBudgetKey(String tenantId, String address) {
        return key(tenantId, "ip:" + address, "in-app");
    }

    private static String key(String tenantId, String subject, String window) {
        return "cs:{rl:" + tenantId + ":" + subject + "}:" + window;
    }

    /**
     * Checks the user's back-off, then admits into the user's budget and records {@code member}
     * there — atomically, so concurrent initiations never exceed the budget.
     */
    public Uni<Gate> admitUser(String tenantId, String userId, Instant now, Duration window, int limit, String member) {
        return scripts.run(USER_GATE, List.of(backoffKey(tenantId, userId), userBudgetKey(tenantId, userId)),
                        List.of(millis(now), Long.toString(window.toMillis()), Integer.toString(limit), member))
                .map(reply -> new Gate(Outcome.valueOf(reply.get(2).toString().toUpperCase()), retryIn(reply)));
    }

    /** Admits into any sliding-window budget (e.g. {@link #qrAddressBudgetKey}) and records {@code member}. */
    public Uni<Gate> admit(String key, Instant now, Duration window, int limit, String member) {
        return scripts.run(BUDGET, key, millis(now), Long.toString(window.toMillis()),
                        Integer.toString(limit), member)
                .map(reply -> reply.get(0).toInteger() == 1
                        ? new Gate(Outcome.ADMITTED, Duration.ZERO)
                        : new Gate(Outcome.BUDGET, retryIn(reply)));
    }

    /** Gives back a user's admission that a later check refused, so a refused request costs nothing. */
    public Uni<Void> refundUser(String tenantId, String userId, String member) {
        return refund(userBudgetKey(tenantId, userId), member);
    }

    /** Gives back an admission into any budget that a later check refused. */
    public Uni<Void> refund(String key, String member) {
        return redis.sortedSet(String.class).zrem(key, member).replaceWithVoid();
    }

    /** Records one more consecutive rejection; answers the back-off now in force. */
    public Uni<Duration> rejected(String tenantId, String userId, Instant now, Duration base, Duration max,
            Duration memory) {
        return scripts.run(REJECTED, backoffKey(tenantId, userId), millis(now),
                        Long.toString(base.toMillis()), Long.toString(max.toMillis()), Long.toString(memory.toMillis()))
                .map(reply -> Duration.ofMillis(reply.get(1).toLong()));
    }

    /**
     * An approval ends the run of rejections and gives back {@code member}'s place in the user's
     * budget; one script, as both keys share the user's hash tag.
     */
    public Uni<Void> approved(String tenantId, String userId, String member) {
        return scripts.run(APPROVED, List.of(backoffKey(tenantId, userId), userBudgetKey(tenantId, userId)),
                List.of(member)).replaceWithVoid();
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
