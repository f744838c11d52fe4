package dev.countersign.challenge.qr;

/** The new QR challenge (§4.3): its id for the QR code, the kiosk's secret device code, ISO {@code expiresAt}. */
public record QrChallengeResponse(String challengeId, String deviceCode, String expiresAt) {
}
