package dev.countersign.common.http;

import java.time.Duration;

import dev.countersign.common.config.CommonConfiguration;

/**
 * The services close an HTTP connection idle for {@code quarkus.http.idle-timeout} (common's
 * configuration). A client that keeps connections to them alive (the local edge, the services'
 * own calls to each other) must give an idle one up sooner, or it may send a request on a
 * connection the service is closing that very moment.
 */
public final class IdleTimeouts {

    static final String KEY = "quarkus.http.idle-timeout";

    private IdleTimeouts() {
    }

    /** How long a service keeps an idle connection. */
    public static Duration service() {
        return parse(CommonConfiguration.value(KEY));
    }

    /** How long a client keeps an idle pooled connection to a service: a third of {@link #service()}. */
    public static Duration clientKeepAlive() {
        return service().dividedBy(3);
    }

    /** A duration as Quarkus reads it: ISO-8601 ({@code PT60S}), or a number of seconds with an optional {@code s}/{@code m}. */
    static Duration parse(String text) {
        String value = text.strip();
        if (value.toUpperCase().startsWith("P")) {
            return Duration.parse(value);
        }
        char unit = value.charAt(value.length() - 1);
        if (Character.isDigit(unit)) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        long amount = Long.parseLong(value.substring(0, value.length() - 1));
        return switch (Character.toLowerCase(unit)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            default -> throw new IllegalArgumentException("Unsupported duration " + text);
        };
    }
}
