package dev.countersign.common.http;

import java.util.Collection;

/**
 * How a tenant's {@code allowed-origins} match a browser's {@code Origin}: exactly, as given; or
 * {@code *} for any origin; or, with a port wildcard, {@code http://localhost:*} for that scheme
 * and host on any port (a developer's dev server moves between ports).
 */
public final class AllowedOrigins {

    private static final String ANY_PORT = ":*";

    private AllowedOrigins() {
    }

    public static boolean allows(Collection<String> allowedOrigins, String origin) {
        for (String allowed : allowedOrigins) {
            if (matches(allowed, origin)) {
                return true;
            }
        }
        return false;
    }

    static boolean matches(String allowed, String origin) {
        if (allowed.equals("*") || allowed.equals(origin)) {
            return true;
        }
        if (!allowed.endsWith(ANY_PORT) || allowed.indexOf("://") < 0) {
            return false;
        }
        String prefix = allowed.substring(0, allowed.length() - 1);
        if (!origin.startsWith(prefix)) {
            return false;
        }
        String port = origin.substring(prefix.length());
        return port.matches("[0-9]{1,5}");
    }
}
