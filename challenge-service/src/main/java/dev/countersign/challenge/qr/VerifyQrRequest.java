package dev.countersign.challenge.qr;

/** The kiosk's poll (§4.3): which challenge, and the device code that proves it is the kiosk's. */
public record VerifyQrRequest(String challengeId, String deviceCode) {
}
