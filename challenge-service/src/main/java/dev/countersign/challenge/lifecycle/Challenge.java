package dev.countersign.challenge.lifecycle;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A challenge on a tracked action: who may answer it (the target credentials), what the device is
 * shown (the requesting browser's context, captured at track), until when, and how it ended.
 *
 * @param custom the track attribute {@code custom} as its JSON text
 * @param verificationCode the number-matching code the approval must carry, when the action asked for one
 * @param codeChoices three codes, the right one among them, fixed at creation so repeated fetches reveal nothing
 * @param version grows with every state change (1 = created)
 */
public record Challenge(
        String challengeId,
        String tenantId,
        String userId,
        String kind,
        ChallengeState state,
        List<String> targetCredentialIds,
        Optional<String> credentialId,
        String actionCode,
        String idempotencyKey,
        Optional<String> ipAddress,
        Optional<String> userAgent,
        Optional<String> deviceId,
        Optional<String> custom,
        Instant createdAt,
        Instant expiresAt,
        Optional<String> verificationCode,
        List<String> codeChoices,
        int wrongCodes,
        long version) {

    public boolean targets(String credentialId) {
        return targetCredentialIds.contains(credentialId);
    }

    /** Pending and before its deadline: the only challenge a device may still answer. */
    public boolean isOpen(Instant now) {
        return state == ChallengeState.PENDING && now.isBefore(expiresAt);
    }
}
