package dev.countersign.common.event;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One delivery attempt on {@code delivery-events} (Kafka key = challenge id, CloudEvents binary),
 * written by notifier-service for the delivery results of the Server API; read by challenge-service
 * (an action's delivery results) and credential-service (dead push tokens). Never carries the
 * webhook URL, its secret or a token. Readers ignore fields they do not know; numbers and flags are
 * boxed, so a record without one still reads (as null) and each reader decides what that means.
 *
 * @param pushEventId the {@code push.requested} event this delivers
 * @param channel {@link #WEBHOOK}, {@code apns} or {@code fcm}
 * @param credentialIds the push credentials the challenge targets (webhook); the one device (APNs/FCM)
 * @param attempt 1-based
 * @param status see {@link DeliveryStatus}; null when the value is unknown to this version
 * @param httpStatus the receiver's or provider's status, null when none came (network error, timeout)
 * @param reason why it failed, null when accepted or sent
 * @param finalAttempt true when no further attempt follows (accepted, not retryable, or the last)
 * @param credentialId APNs/FCM: the device's credential; null for the webhook
 * @param idempotencyKey the action the challenge belongs to (delivery results on the Server API)
 * @param userId the action's user
 * @param pushTokenSha256 APNs/FCM: hex SHA-256 of the device token the provider answered about
 *        (credential-service clears that token on {@code unregistered}); never the token itself
 */
public record DeliveryEvent(
        String eventId,
        String type,
        String tenantId,
        String challengeId,
        String pushEventId,
        String channel,
        List<String> credentialIds,
        Integer attempt,
        DeliveryStatus status,
        Integer httpStatus,
        String reason,
        Boolean finalAttempt,
        Instant occurredAt,
        String credentialId,
        String idempotencyKey,
        String userId,
        @JsonInclude(JsonInclude.Include.NON_NULL) String pushTokenSha256) {

    public static final String TYPE = "delivery";
    /** The {@code channel} of the tenant's {@code push.created} webhook. */
    public static final String WEBHOOK = "webhook";

    /** The CloudEvents {@code type}: {@code dev.countersign.delivery}. */
    public String cloudEventType() {
        return "dev.countersign." + type;
    }
}
