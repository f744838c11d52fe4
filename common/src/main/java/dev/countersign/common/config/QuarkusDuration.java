package dev.countersign.common.config;

import java.time.Duration;
import java.util.Locale;

/** A duration written as Quarkus reads it, for code outside Quarkus (the local edge, common's own file). */
public final class QuarkusDuration {

    private QuarkusDuration() {
    }

    /** ISO-8601 ({@code PT60S}), a number of seconds, or a number with {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}. */
    public static Duration parse(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        if (value.startsWith("p")) {
            return Duration.parse(value.toUpperCase(Locale.ROOT));
        }
        if (value.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        char unit = value.charAt(value.length() - 1);
        if (Character.isDigit(unit)) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        long amount = Long.parseLong(value.substring(0, value.length() - 1));
        return switch (unit) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'd' -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("Unsupported duration " + text);
        };
    }
}
