package dev.countersign.credential;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The device's {@code performAttestation} (docs/protocol/wire.md#32-add-a-credential: Play Integrity token, or App Attest object and key
 * id) as stored with the credential. The vendors' statements are not verified (docs/protocol/decisions.md#15-attestation).
 * {@code nonceId} is set when the enrolment named the attestation nonce challenge-service issued
 * for the track token's action and credential-service checked it (signature, binding, expiry,
 * single use); null when the device sent no nonce — the official SDKs carry it only inside the
 * vendor statement, which is not opened yet.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Attestation(String provider, String token, String keyId, String nonceId, Instant nonceExpiresAt) {
}
