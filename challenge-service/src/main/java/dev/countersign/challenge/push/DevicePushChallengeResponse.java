package dev.countersign.challenge.push;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A device's pending push challenge (docs/protocol/wire.md#35-push-fetch-the-pending-challenge, docs/protocol/wire.md#72-additions-of-the-newer-sdks): {@code userAuthenticatorId} always (Android
 * requires it), everything else only when a challenge is pending. {@code expiresAt} is epoch
 * seconds (docs/protocol/decisions.md#7-timestamps); {@code verificationCodeChoices} only when the approval needs a code
 * (docs/protocol/decisions.md#12-number-matching).
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
