package dev.countersign.challenge.action;

import java.util.Map;

/**
 * Track's attributes object, sent directly as the body (docs/protocol/wire.md#51-track-an-action). Every field is optional; unknown
 * ones are ignored (newer SDKs add some), wrong types are refused. {@code verificationCode: true} is
 * Countersign's number matching (docs/protocol/decisions.md#12-number-matching).
 */
public record TrackRequest(
        String idempotencyKey,
        String redirectUrl,
        Boolean redirectToSettings,
        String ipAddress,
        String userAgent,
        String deviceId,
        String scope,
        String email,
        String phoneNumber,
        String username,
        Map<String, Object> custom,
        String challengeId,
        String locale,
        String customDomain,
        Boolean verificationCode) {

    static final TrackRequest EMPTY = new TrackRequest(null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null);
}
