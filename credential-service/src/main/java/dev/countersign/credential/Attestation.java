package dev.countersign.credential;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The device's {@code performAttestation} (docs/protocol/wire.md#32-add-a-credential: Play Integrity token, or App Attest object and key
 * id) as stored with the credential; what checking it concluded is {@code Credential.attestationVerdict}
 * (docs/attestation.md). {@code nonceId} is set when the attestation nonce challenge-service issued
 * for the track token's action was checked (signature, binding, expiry, single use): named by the
 * device, or read from a verified Play Integrity token; null otherwise. {@code receipt}: Apple's
 * App Attest receipt (base64) of a verified attestation, kept for fraud-metric requests.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Attestation(String provider, String token, String keyId, String nonceId, Instant nonceExpiresAt,
        String receipt) {
}
