package dev.countersign.notifier.delivery;

import java.time.Instant;
import java.util.List;

/**
 * One delivery attempt on {@code delivery-events} (Kafka key = challenge id), for the delivery
 * results of the Server API. Never carries the webhook URL, its secret or a token.
 *
 * @param pushEventId the {@code push.requested} event this delivers
 * @param channel {@code webhook} (APNs and FCM later)
 * @param credentialIds the push credentials the challenge targets
 * @param attempt 1-based
 * @param status {@code accepted} (the receiver answered 2xx) or {@code failed}
 * @param httpStatus the receiver's status, null when none came (network error, timeout)
 * @param reason why it failed, null when accepted
 * @param finalAttempt true when no further attempt follows (accepted, not retryable, or the last)
 */
public record DeliveryEvent(
        String eventId,
        String type,
        String tenantId,
        String challengeId,
        String pushEventId,
        String channel,
        List<String> credentialIds,
        int attempt,
        String status,
        Integer httpStatus,
        String reason,
        boolean finalAttempt,
        Instant occurredAt) {

    public static final String TYPE = "delivery";
    public static final String ACCEPTED = "accepted";
    public static final String FAILED = "failed";
    public static final String WEBHOOK = "webhook";

    /** The CloudEvents {@code type}: {@code dev.countersign.delivery}. */
    public String cloudEventType() {
        return "dev.countersign." + type;
    }
}
