package dev.countersign.credential.service;

import dev.countersign.credential.Attestation;

/** What the device says about itself at enrolment (§3.2); every field may be absent. */
public record DeviceDetails(String deviceName, String devicePlatform, String pushToken, Attestation attestation) {
}
