package dev.countersign.credential.service;

import dev.countersign.credential.DeviceMetadata;

/**
 * What the device says about itself at enrolment (§3.2, §7.2); every field may be absent.
 * {@code attestation} is the checked-for-shape {@code performAttestation}, its nonce not yet verified.
 */
public record DeviceDetails(String deviceName, String devicePlatform, String pushToken,
        AttestationClaim attestation, DeviceMetadata metadata) {

    /** {@code performAttestation}: provider and statement as sent, and Countersign's optional nonce. */
    public record AttestationClaim(String provider, String token, String keyId, String nonce) {
    }
}
