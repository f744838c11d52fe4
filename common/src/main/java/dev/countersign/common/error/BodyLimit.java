package dev.countersign.common.error;

import java.util.Locale;

import dev.countersign.common.config.CommonConfiguration;

/**
 * The services' request body limit, {@code quarkus.http.limits.max-body-size} in common's
 * configuration, for code that runs outside Quarkus (the local edge), so the limit is written once.
 */
public final class BodyLimit {

    static final String KEY = "quarkus.http.limits.max-body-size";

    private BodyLimit() {
    }

    /** The limit in bytes. */
    public static long maxBytes() {
        return parse(CommonConfiguration.value(KEY));
    }

    /** A size as Quarkus writes it: bytes, or a number with K, M or G (powers of 1024). */
    static long parse(String size) {
        String value = size.strip().toUpperCase(Locale.ROOT);
        int shift = switch (value.charAt(value.length() - 1)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            default -> 0;
        };
        String digits = shift == 0 ? value : value.substring(0, value.length() - 1);
        return Long.parseLong(digits) << shift;
    }
}
