package dev.countersign.credential.attestation;

import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.common.config.CountersignConfig;
import dev.countersign.common.internal.InternalClient;
import dev.countersign.common.internal.InternalSecret;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.core.Vertx;

/**
 * challenge-service's attestation nonces of an action
 * ({@code GET /internal/v1/attestation-nonces?tenantId=&idempotencyKey=} → {@code {nonces: [...]}}),
 * for an App Attest statement sent without its nonce (docs/attestation.md). A short timeout: a
 * device is waiting; no answer, or one that does not fit, is 503 rather than a guess.
 */
@ApplicationScoped
public class ChallengeServiceClient {

    private final InternalClient client;

    public ChallengeServiceClient(Vertx vertx, CountersignConfig config, InternalSecret secret) {
        this.client = new InternalClient(vertx, config.services().challengeUrl(), "challenge-service",
                "Attestation nonce lookup is unavailable", secret);
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** The unexpired nonces challenge-service issued for the action (tenant + idempotency key). */
    public Uni<List<String>> attestationNonces(String tenantId, String idempotencyKey) {
        return client.get("/internal/v1/attestation-nonces?tenantId=" + InternalClient.encode(tenantId)
                + "&idempotencyKey=" + InternalClient.encode(idempotencyKey), "Attestation nonce", (status, body) -> {
                    if (status != 200) {
                        throw new IllegalStateException("challenge-service answered " + status);
                    }
                    JsonArray nonces = body.getJsonArray("nonces");
                    if (nonces == null) {
                        throw new IllegalStateException("challenge-service answered without nonces");
                    }
                    List<String> listed = new ArrayList<>();
                    for (int i = 0; i < nonces.size(); i++) {
                        listed.add(nonces.getString(i));
                    }
                    return listed;
                });
    }
}
