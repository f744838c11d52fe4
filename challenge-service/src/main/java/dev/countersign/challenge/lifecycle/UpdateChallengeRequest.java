package dev.countersign.challenge.lifecycle;

/**
 * A device's approval or rejection (docs/protocol/wire.md#36-push-and-qr-answer-a-challenge). Android always sends {@code verificationCode}, as null
 * when unused; iOS leaves it out.
 */
public record UpdateChallengeRequest(String publicKey, String challengeId, String signature, Boolean approved,
        String verificationCode) {
}
