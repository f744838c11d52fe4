package dev.countersign.common.tenant;

import java.security.MessageDigest;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.countersign.common.config.CountersignConfig;
import dev.countersign.common.crypto.Sha256;
import dev.countersign.common.wire.Identifiers;
import io.quarkus.runtime.Startup;

/**
 * The tenants of this deployment, from configuration. Secrets are never held, only their SHA-256:
 * they are high-entropy keys, so a slow password hash would only cap throughput. Built at start, so
 * a bad tenant id or hash stops the service instead of its first request.
 */
@Startup
@Singleton
public class Tenants {

    private final Map<String, Tenant> byId;

    @Inject
    public Tenants(CountersignConfig config) {
        this(config.tenants().entrySet().stream()
                .map(e -> new Tenant(e.getKey(), HexFormat.of().parseHex(e.getValue().secretSha256().strip()),
                        e.getValue().allowedOrigins().orElse(List.of()), Map.copyOf(e.getValue().actionStates())))
                .toList());
    }

    public Tenants(Collection<Tenant> tenants) {
        Map<String, Tenant> map = new LinkedHashMap<>();
        for (Tenant tenant : tenants) {
            if (!Identifiers.isTenantId(tenant.id())) {
                throw new IllegalArgumentException("Tenant id '" + tenant.id() + "' must match [A-Za-z0-9_-]{1,64}");
            }
            if (tenant.secretSha256().length != 32) {
                throw new IllegalArgumentException("Tenant " + tenant.id() + ": secret-sha256 must be 64 hex digits");
            }
            map.put(tenant.id(), tenant);
        }
        this.byId = Map.copyOf(map);
    }

    /** A tenant id from a request; one no tenant could have is answered like an unknown one. */
    public Optional<Tenant> byId(String tenantId) {
        return Optional.ofNullable(tenantId).filter(Identifiers::isTenantId).map(byId::get);
    }

    /**
     * The tenant whose secret this is. Every tenant's hash is compared, each in constant time, so
     * the answer's timing says nothing about which bytes matched.
     */
    public Optional<Tenant> bySecret(String secret) {
        byte[] hash = Sha256.digest(secret);
        Tenant match = null;
        for (Tenant tenant : byId.values()) {
            if (MessageDigest.isEqual(hash, tenant.secretSha256())) {
                match = tenant;
            }
        }
        return Optional.ofNullable(match);
    }

    public Collection<Tenant> all() {
        return byId.values();
    }
}
