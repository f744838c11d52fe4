package dev.countersign.common.tenant;

import java.util.List;
import java.util.Map;

import dev.countersign.common.http.AllowedOrigins;

/**
 * A configured tenant: its id, the hash of its Server API secret, and its browser origins
 * (matched as {@link AllowedOrigins} says).
 */
public record Tenant(String id, byte[] secretSha256, List<String> allowedOrigins, Map<String, String> actionStates) {

    public boolean allowsOrigin(String origin) {
        return AllowedOrigins.allows(allowedOrigins, origin);
    }
}
