package dev.countersign.common.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The {@code Retry-After} header (<a href="https://www.rfc-editor.org/rfc/rfc9110#field.retry-after">RFC 9110,
 * Retry-After</a>): read as delay-seconds or an HTTP-date, written as delay-seconds.
 */
public final class RetryAfter {

    public static final String HEADER = "Retry-After";

    private RetryAfter() {
    }

    /**
     * The wait a {@code Retry-After} header asks for, from {@code now}, at most {@code max}; empty
     * when absent or unreadable. An HTTP-date already past is no wait.
     */
    public static Optional<Duration> parse(String header, Instant now, Duration max) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.strip();
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return Optional.of(atMost(Duration.ofSeconds(Long.parseLong(value)), max));
            } catch (NumberFormatException e) {
                // More digits than a long holds: as good as "very long"; the cap applies.
                return Optional.of(max);
            }
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : atMost(wait, max));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** {@code wait}, or {@code max} when it is longer. */
    public static Duration atMost(Duration wait, Duration max) {
        return wait.compareTo(max) > 0 ? max : wait;
    }

    /** A wait as the header's value: {@link #seconds} of it. */
    public static String format(Duration wait) {
        return Long.toString(seconds(wait));
    }

    /**
     * A wait as delay-seconds: whole seconds rounded up, at least 1, so a client that retries on
     * time is let through and none is told to retry at once.
     */
    public static long seconds(Duration wait) {
        long seconds = wait.getNano() == 0 ? wait.getSeconds() : wait.getSeconds() + 1;
        return Math.max(1, seconds);
    }
}
