package dev.countersign.notifier.outbound;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import dev.countersign.common.event.ChallengeEvent;

/**
 * A {@code push.requested} the notifier gave up on, on {@code challenge-events-dlq} (Kafka key =
 * challenge id): the original event's fields, flat, plus why — so an operator can replay it as a
 * {@link ChallengeEvent} once the receiver is fixed.
 */
public record DeadLetter(
        @JsonUnwrapped ChallengeEvent event,
        String channel,
        String reason,
        int attempts,
        Integer lastStatus,
        Instant failedAt) {
}
