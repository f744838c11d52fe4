package dev.countersign.credential.metrics;

import dev.countersign.common.credential.CredentialKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * credential-service's domain metrics (docs/observability.md). Label values come from small sets
 * the code fixes (credential kind, attestation provider and result), never an id. Changes are
 * counted after their transaction committed.
 */
@Startup
@ApplicationScoped
public class CredentialMetrics {

    private final MeterRegistry meters;

    public CredentialMetrics(MeterRegistry meters) {
        this.meters = meters;
        // Every series at zero from the start: dashboards and alerts find it before its first event.
        for (CredentialKind kind : CredentialKind.values()) {
            Counter.builder("countersign.credentials.added").description("Credentials enrolled")
                    .tag("kind", kind.wireName()).register(meters);
            Counter.builder("countersign.credentials.removed").description("Credentials removed")
                    .tag("kind", kind.wireName()).register(meters);
        }
        for (String provider : List.of("APP_ATTEST", "PLAY_INTEGRITY")) {
            for (String result : List.of("verified", "insufficient", "rejected")) {
                Counter.builder("countersign.attestation.results").description("Attestation statements checked")
                        .tag("provider", provider).tag("result", result).register(meters);
            }
        }
    }

    /** A new credential was enrolled ({@code kind}: its wire name). */
    public void added(String kind) {
        Counter.builder("countersign.credentials.added").description("Credentials enrolled")
                .tag("kind", kind).register(meters).increment();
    }

    /**
     * A device's attestation statement was checked: {@code provider} APP_ATTEST or PLAY_INTEGRITY,
     * {@code result} verified, insufficient (verified, below the tenant's minimum) or rejected.
     */
    public void attestation(String provider, String result) {
        Counter.builder("countersign.attestation.results").description("Attestation statements checked")
                .tag("provider", provider).tag("result", result).register(meters).increment();
    }

    /** A credential was removed, by its device or through the Server API. */
    public void removed(String kind) {
        Counter.builder("countersign.credentials.removed").description("Credentials removed")
                .tag("kind", kind).register(meters).increment();
    }
}
