package dev.countersign.challenge.inapp;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.countersign.common.error.Require;
import dev.countersign.common.wire.Identifiers;
import io.smallrye.mutiny.Uni;

/**
 * {@code GET /internal/v1/attestation-nonces?tenantId=&idempotencyKey=} → {@code {nonces: [...]}}:
 * the unexpired attestation nonces issued for the action, for credential-service to find the one an
 * App Attest statement was made for (docs/attestation.md). Internal: the shared secret
 * (InternalSecret) guards it, never routed by the edge or the Ingress.
 */
@Path("/internal/v1")
@Produces(MediaType.APPLICATION_JSON)
public class InternalAttestationNonceResource {

    private final InAppChallengeService inApp;

    public InternalAttestationNonceResource(InAppChallengeService inApp) {
        this.inApp = inApp;
    }

    @GET
    @Path("attestation-nonces")
    public Uni<Nonces> list(@QueryParam("tenantId") String tenantId,
            @QueryParam("idempotencyKey") String idempotencyKey) {
        Require.text(tenantId, "tenantId");
        Require.text(idempotencyKey, "idempotencyKey");
        if (!Identifiers.isTenantId(tenantId)) {
            // No tenant can have this id, so no nonce was issued for it.
            return Uni.createFrom().item(new Nonces(List.of()));
        }
        return inApp.attestationNonces(tenantId, idempotencyKey).map(Nonces::new);
    }

    /** The action's unexpired nonces, oldest first. */
    public record Nonces(List<String> nonces) {
    }
}
