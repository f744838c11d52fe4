package dev.countersign.challenge.qr;

/** The kiosk's poll (docs/protocol/wire.md#43-qr-by-polling): which challenge, and the device code that proves it is the kiosk's. */
public record VerifyQrRequest(String challengeId, String deviceCode) {
}
