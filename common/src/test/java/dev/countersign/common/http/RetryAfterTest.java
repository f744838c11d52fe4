package dev.countersign.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2026-11-30T06:00:00Z");
    private static final Duration MAX = Duration.ofSeconds(60);

    @Test
    void parseSecondsOrHttpDateThenThatWaitElseNothing() {
        assertThat(RetryAfter.parse("1", NOW, MAX)).contains(Duration.ofSeconds(1));
        assertThat(RetryAfter.parse(" 45 ", NOW, MAX)).contains(Duration.ofSeconds(45));
        assertThat(RetryAfter.parse("Mon, 30 Nov 2026 06:00:30 GMT", NOW, MAX)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Mon, 30 Nov 2026 05:59:00 GMT", NOW, MAX)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse(null, NOW, MAX)).isEmpty();
        assertThat(RetryAfter.parse("", NOW, MAX)).isEmpty();
        assertThat(RetryAfter.parse("-5", NOW, MAX)).isEmpty();
        assertThat(RetryAfter.parse("soon", NOW, MAX)).isEmpty();
    }

    @Test
    void parseLongerThanTheCapThenTheCap() {
        assertThat(RetryAfter.parse("120", NOW, MAX)).contains(MAX);
        assertThat(RetryAfter.parse("99999999999999999999999", NOW, MAX)).contains(MAX);
        assertThat(RetryAfter.parse("Tue, 01 Dec 2026 06:00:00 GMT", NOW, MAX)).contains(MAX);
    }

    @Test
    void formatThenWholeSecondsRoundedUpAndAtLeastOne() {
        assertThat(RetryAfter.format(Duration.ofSeconds(26))).isEqualTo("26");
        assertThat(RetryAfter.format(Duration.ofMillis(25_001))).isEqualTo("26");
        assertThat(RetryAfter.format(Duration.ofMillis(300))).isEqualTo("1");
        assertThat(RetryAfter.format(Duration.ZERO)).isEqualTo("1");
        assertThat(RetryAfter.format(Duration.ofSeconds(-3))).isEqualTo("1");
        assertThat(RetryAfter.seconds(Duration.ofMillis(499_500))).isEqualTo(500);
    }
}
