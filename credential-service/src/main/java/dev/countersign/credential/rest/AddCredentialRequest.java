package dev.countersign.credential.rest;

/**
 * Body of {@code POST /client/user-authenticators/{feature}} (docs/protocol/wire.md#32-add-a-credential). Only {@code publicKey} is
 * required; missing and {@code null} mean the same (Android sends nulls, iOS omits).
 */
public record AddCredentialRequest(
        String publicKey,
        String deviceName,
        String devicePlatform,
        AttestationInput performAttestation,
        String pushToken) {
}
