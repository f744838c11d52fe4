package dev.countersign.challenge.qr;

/** A device's claim of a QR challenge (§3.7), signed over the challenge id. */
public record ClaimChallengeRequest(String publicKey, String challengeId, String signature) {
}
