package dev.countersign.challenge.qr;

/** The new QR challenge (docs/protocol/wire.md#43-qr-by-polling): its id for the QR code, the kiosk's secret device code, ISO {@code expiresAt}. */
public record QrChallengeResponse(String challengeId, String deviceCode, String expiresAt) {
}
