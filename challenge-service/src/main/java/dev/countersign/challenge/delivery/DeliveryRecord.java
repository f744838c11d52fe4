package dev.countersign.challenge.delivery;

import java.time.Instant;

/**
 * A notifier {@code delivery-events} record, the part shown as the action's delivery results
 * (unknown fields are ignored). No token and no URL are in it.
 */
public record DeliveryRecord(
        String eventId,
        String tenantId,
        String challengeId,
        String channel,
        String credentialId,
        Integer attempt,
        String status,
        Integer httpStatus,
        String reason,
        Boolean finalAttempt,
        Instant occurredAt,
        String idempotencyKey) {
}
