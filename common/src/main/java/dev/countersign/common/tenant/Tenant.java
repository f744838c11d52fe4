package dev.countersign.common.tenant;

import java.util.List;
import java.util.Map;

/** A configured tenant: its id, the hash of its Server API secret, and its browser origins. */
public record Tenant(String id, byte[] secretSha256, List<String> allowedOrigins, Map<String, String> actionStates) {

    public boolean allowsOrigin(String origin) {
        return allowedOrigins.contains(origin) || allowedOrigins.contains("*");
    }
}
