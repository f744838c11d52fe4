package dev.countersign.credential;

/**
 * The device's {@code performAttestation} (§3.2: Play Integrity token, or App Attest object and key
 * id), stored as sent. Vendor statements are not verified yet (decisions §15).
 */
public record Attestation(String provider, String token, String keyId) {
}
