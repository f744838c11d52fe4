package dev.countersign.credential.service;

import dev.countersign.credential.DeviceMetadata;

/**
 * What the device says about itself at enrolment (docs/protocol/wire.md#32-add-a-credential, docs/protocol/wire.md#72-additions-of-the-newer-sdks); every field may be absent.
 * {@code attestation} is the checked-for-shape {@code performAttestation}, its nonce not yet verified.
 */
public record DeviceDetails(String deviceName, String devicePlatform, String pushToken,
        AttestationClaim attestation, DeviceMetadata metadata) {

    /** {@code performAttestation}: provider and statement as sent, and Countersign's optional nonce. */
    public record AttestationClaim(String provider, String token, String keyId, String nonce) {
    }
}
