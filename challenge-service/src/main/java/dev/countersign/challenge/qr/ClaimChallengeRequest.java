package dev.countersign.challenge.qr;

/** A device's claim of a QR challenge (docs/protocol/wire.md#37-qr-claim-a-challenge), signed over the challenge id. */
public record ClaimChallengeRequest(String publicKey, String challengeId, String signature) {
}
