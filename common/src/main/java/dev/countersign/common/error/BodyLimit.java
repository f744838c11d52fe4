package dev.countersign.common.error;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collections;
import java.util.Locale;
import java.util.Properties;

/**
 * The services' request body limit, {@code quarkus.http.limits.max-body-size} in common's
 * configuration, for code that runs outside Quarkus (the local edge), so the limit is written once.
 */
public final class BodyLimit {

    static final String KEY = "quarkus.http.limits.max-body-size";
    private static final String RESOURCE = "META-INF/microprofile-config.properties";

    private BodyLimit() {
    }

    /** The limit in bytes, read from common's own configuration file (not another jar's of that name). */
    public static long maxBytes() {
        String own = BodyLimit.class.getProtectionDomain().getCodeSource().getLocation().toString();
        try {
            for (URL url : Collections.list(BodyLimit.class.getClassLoader().getResources(RESOURCE))) {
                if (url.toString().contains(own.substring(own.indexOf(':') + 1))) {
                    Properties properties = new Properties();
                    try (InputStream in = url.openStream()) {
                        properties.load(in);
                    }
                    return parse(properties.getProperty(KEY));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException(KEY + " not found in common's " + RESOURCE);
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
