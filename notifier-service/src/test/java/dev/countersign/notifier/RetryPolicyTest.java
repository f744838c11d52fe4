package dev.countersign.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.LongSummaryStatistics;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.countersign.notifier.delivery.RetryPolicy;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30));

    @Test
    void delayAfterAttemptThenUniformUpToTheDoubledBaseCappedAtTheMaximum() {
        Random random = new Random(42);
        long[] ceilings = {1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000};
        for (int attempt = 1; attempt <= ceilings.length; attempt++) {
            int n = attempt;
            long[] delays = IntStream.range(0, 2_000).mapToLong(i -> policy.delayAfter(n, random).toMillis()).toArray();
            long ceiling = ceilings[attempt - 1];
            LongSummaryStatistics stats = Arrays.stream(delays).summaryStatistics();
            assertThat(stats.getMin()).isGreaterThanOrEqualTo(0L);
            assertThat(stats.getMax()).isLessThanOrEqualTo(ceiling);
            // Full jitter: the waits spread over the whole range, not clustered at the ceiling.
            assertThat(stats.getMin()).isLessThan(ceiling / 10);
            assertThat(stats.getMax()).isGreaterThan(ceiling * 9 / 10);
        }
    }

    @Test
    void honouringRetryAfterThenAtLeastItCappedAndNeverBelowTheBackoff() {
        Duration backoff = Duration.ofMillis(300);
        assertThat(RetryPolicy.honouring(backoff, null)).isEqualTo(backoff);
        assertThat(RetryPolicy.honouring(backoff, Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
        assertThat(RetryPolicy.honouring(backoff, Duration.ofMillis(100))).isEqualTo(backoff);
        assertThat(RetryPolicy.honouring(backoff, Duration.ofHours(3))).isEqualTo(RetryPolicy.RETRY_AFTER_MAX);
    }

    @Test
    void delayAfterManyAttemptsThenNoOverflow() {
        assertThat(policy.delayAfter(1_000, new Random(1)).toMillis()).isBetween(0L, 30_000L);
    }

    @Test
    void pauseWhenJitterDrawsZeroThenGoesOnAtOnce() {
        assertThat(RetryPolicy.pause(Duration.ZERO).await().atMost(Duration.ofSeconds(1))).isNull();
        assertThat(new RetryPolicy(3, Duration.ZERO, Duration.ZERO).delayAfter(2, new Random(7))).isZero();
    }

    @Test
    void statusesThenOnly5xx408And429Retried() {
        assertThat(IntStream.of(500, 502, 503, 504, 408, 429)).allMatch(RetryPolicy::retryable);
        assertThat(IntStream.of(400, 401, 403, 404, 410, 413, 301, 302)).noneMatch(RetryPolicy::retryable);
        assertThat(IntStream.of(200, 201, 202, 204)).allMatch(RetryPolicy::accepted);
        assertThat(IntStream.of(199, 300, 404, 500)).noneMatch(RetryPolicy::accepted);
    }

    @Test
    void settingsWithMaximumBelowBaseOrNoAttemptThenRefused() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(5), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
