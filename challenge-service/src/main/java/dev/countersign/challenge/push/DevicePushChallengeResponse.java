package dev.countersign.challenge.push;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A device's pending push challenge (§3.5, §7.2): {@code userAuthenticatorId} always (Android
 * requires it), everything else only when a challenge is pending. {@code expiresAt} is epoch
 * seconds (decisions §7); {@code verificationCodeChoices} only when the approval needs a code
 * (decisions §12).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DevicePushChallengeResponse(
        String userAuthenticatorId,
        String challengeId,
        String userId,
        String actionCode,
        String idempotencyKey,
        String ipAddress,
        String userAgent,
        String deviceId,
        Map<String, Object> custom,
        Long expiresAt,
        List<String> verificationCodeChoices) {

    public static DevicePushChallengeResponse none(String userAuthenticatorId) {
        return new DevicePushChallengeResponse(userAuthenticatorId, null, null, null, null, null, null, null, null,
                null, null);
    }
}
