package dev.countersign.common.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A step in a challenge's life, on {@code challenge-events} (Kafka key and CloudEvents subject =
 * challenge id). Carries what consumers need — delivery (the targets, the requesting browser's
 * context), {@code lastVerifiedAt} (the answering credential), kiosk sockets (the state) — and
 * never a bearer secret: no token, no device code, no verification code.
 *
 * @param version grows with every step of one challenge (1 = created)
 * @param kind {@code push}, {@code qr-code} or {@code in-app}
 * @param targetCredentialIds the credentials a push challenge was sent to
 * @param credentialId the credential that claimed, approved or rejected it, if any
 * @param targets on {@code push.requested}: where each target credential's device is reached
 *        (platform and push token; only those with a token); null on every other type
 */
public record ChallengeEvent(
        String eventId,
        String type,
        String tenantId,
        String challengeId,
        long version,
        String kind,
        String userId,
        String actionCode,
        String idempotencyKey,
        List<String> targetCredentialIds,
        String credentialId,
        String ipAddress,
        String userAgent,
        String deviceId,
        Map<String, Object> custom,
        Instant expiresAt,
        Instant occurredAt,
        List<PushTarget> targets) {

    public static final String CREATED = "challenge.created";
    public static final String CLAIMED = "challenge.claimed";
    public static final String APPROVED = "challenge.approved";
    public static final String REJECTED = "challenge.rejected";
    public static final String EXPIRED = "challenge.expired";
    /** A pending push challenge ended because a newer one for the same user replaced it. */
    public static final String SUPERSEDED = "challenge.superseded";
    public static final String PUSH_REQUESTED = "push.requested";
    /** What the CloudEvents {@code type} attribute puts before the event type. */
    public static final String TYPE_PREFIX = "dev.countersign.";

    /** Without push targets: every type but {@code push.requested}. */
    public ChallengeEvent(String eventId, String type, String tenantId, String challengeId, long version, String kind,
            String userId, String actionCode, String idempotencyKey, List<String> targetCredentialIds,
            String credentialId, String ipAddress, String userAgent, String deviceId, Map<String, Object> custom,
            Instant expiresAt, Instant occurredAt) {
        this(eventId, type, tenantId, challengeId, version, kind, userId, actionCode, idempotencyKey,
                targetCredentialIds, credentialId, ipAddress, userAgent, deviceId, custom, expiresAt, occurredAt, null);
    }

    /** The CloudEvents {@code type} attribute: {@code dev.countersign.challenge.approved} and so on. */
    public String cloudEventType() {
        return TYPE_PREFIX + type;
    }
}
