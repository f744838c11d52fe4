package dev.countersign.challenge.lifecycle;

/**
 * A device's approval or rejection (§3.6). Android always sends {@code verificationCode}, as null
 * when unused; iOS leaves it out.
 */
public record UpdateChallengeRequest(String publicKey, String challengeId, String signature, Boolean approved,
        String verificationCode) {
}
