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
        Instant occurredAt) {

    public static final String CREATED = "challenge.created";
    public static final String CLAIMED = "challenge.claimed";
    public static final String APPROVED = "challenge.approved";
    public static final String REJECTED = "challenge.rejected";
    public static final String EXPIRED = "challenge.expired";
    public static final String PUSH_REQUESTED = "push.requested";

    /** The CloudEvents {@code type} attribute: {@code dev.countersign.challenge.approved} and so on. */
    public String cloudEventType() {
        return "dev.countersign." + type;
    }
}
