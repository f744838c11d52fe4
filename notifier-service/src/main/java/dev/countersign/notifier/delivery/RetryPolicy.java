package dev.countersign.notifier.delivery;

import java.time.Duration;
import java.util.random.RandomGenerator;

import io.smallrye.mutiny.Uni;

/**
 * How often and how patiently a webhook is retried: exponential back-off with full jitter (the
 * wait before try n+1 is uniform in [0, min(max, base × 2^(n-1))]), so receivers recovering from
 * an outage are not hit by every notifier in lockstep.
 */
public record RetryPolicy(int attempts, Duration base, Duration max) {

    public RetryPolicy {
        if (attempts < 1 || base.isNegative() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("countersign.notifier.webhook: attempts >= 1 and backoff-max >= backoff-base >= 0 required");
        }
    }

    /** The wait after failed try {@code attempt} (1-based). */
    public Duration delayAfter(int attempt, RandomGenerator random) {
        long ceiling = max.toMillis();
        long exponential = base.toMillis();
        for (int i = 1; i < attempt && exponential < ceiling; i++) {
            exponential *= 2;
        }
        long bound = Math.min(ceiling, exponential);
        return Duration.ofMillis(bound == 0 ? 0 : random.nextLong(bound + 1));
    }

    /**
     * Waits {@code wait} before the next try. Full jitter draws a zero wait now and then, and
     * Mutiny refuses to delay by zero, so that one goes on at once.
     */
    public static Uni<Void> pause(Duration wait) {
        return wait.isZero() || wait.isNegative()
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(wait);
    }

    /** 5xx, 408 and 429 may pass; any other non-2xx answer will not change by asking again. */
    public static boolean retryable(int status) {
        return status >= 500 || status == 408 || status == 429;
    }

    public static boolean accepted(int status) {
        return status >= 200 && status < 300;
    }
}
