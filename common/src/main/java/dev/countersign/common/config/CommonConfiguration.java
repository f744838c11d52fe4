package dev.countersign.common.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collections;
import java.util.Properties;

/**
 * Values of common's own {@code META-INF/microprofile-config.properties} (the conventions every
 * service shares), for code that runs outside Quarkus (the local edge), so each is written once.
 */
public final class CommonConfiguration {

    private static final String RESOURCE = "META-INF/microprofile-config.properties";

    private CommonConfiguration() {
    }

    /** The value of {@code key} in common's file (not another jar's of that name). */
    public static String value(String key) {
        String own = CommonConfiguration.class.getProtectionDomain().getCodeSource().getLocation().toString();
        try {
            for (URL url : Collections.list(CommonConfiguration.class.getClassLoader().getResources(RESOURCE))) {
                if (url.toString().contains(own.substring(own.indexOf(':') + 1))) {
                    Properties properties = new Properties();
                    try (InputStream in = url.openStream()) {
                        properties.load(in);
                    }
                    String value = properties.getProperty(key);
                    if (value != null) {
                        return value.strip();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException(key + " not found in common's " + RESOURCE);
    }
}
