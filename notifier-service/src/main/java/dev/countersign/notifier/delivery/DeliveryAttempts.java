package dev.countersign.notifier.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.common.event.DeliveryEvent;
import dev.countersign.common.event.DeliveryStatus;
import dev.countersign.notifier.config.NotifierConfig;
import dev.countersign.notifier.metrics.NotifierMetrics;
import dev.countersign.notifier.outbound.DeadLetter;
import dev.countersign.notifier.outbound.DeadLetterPublisher;
import dev.countersign.notifier.outbound.DeliveryEventPublisher;
import io.smallrye.mutiny.Uni;

/**
 * The attempt loop every delivery runs — the tenant's webhook and each device's APNs/FCM push: try,
 * record the attempt on {@code delivery-events}, retry a retryable failure after the
 * {@link RetryPolicy}'s full-jitter back-off (never sooner than the receiver's or provider's
 * {@code Retry-After}, capped), and hand the last failure or a refusal to
 * {@code challenge-events-dlq}. An {@code unregistered} answer ends the delivery without a dead
 * letter: credential-service clears the token from the delivery event. A result or a letter that
 * cannot be published is logged, never a reason to fail or repeat the delivery.
 */
@Singleton
public class DeliveryAttempts {

    private static final Logger LOG = Logger.getLogger(DeliveryAttempts.class);
    /** A broker that does not take a dead letter after this many tries is logged, not waited for forever. */
    private static final int DEAD_LETTER_TRIES = 10;

    /** One try's outcome. {@code reason} names the failure without a URL, a header, a body or a token. */
    public interface Outcome {

        /** {@code accepted}, {@code rejected}, {@code unregistered} or {@code failed}. */
        DeliveryStatus status();

        /** The receiver's or provider's HTTP status, null when none came. */
        Integer httpStatus();

        /** Why it failed; null when accepted. */
        String reason();

        /** Whether another try may succeed. */
        boolean retryable();

        /** The receiver's or provider's {@code Retry-After}, null when it did not say. */
        Duration retryAfter();
    }

    /** One delivery: where it goes, how one try is made and what its records carry. */
    public interface Destination {

        /** The {@code push.requested} being delivered. */
        ChallengeEvent push();

        /** {@code webhook}, {@code apns} or {@code fcm}. */
        String channel();

        /** Who the log lines are about, e.g. {@code Webhook for push <id>}. */
        String describe();

        /** The delivery event's {@code credentialIds}. */
        List<String> credentialIds();

        /** The delivery event's {@code credentialId}: the device, null for the webhook. */
        String credentialId();

        /** The delivery event's {@code pushTokenSha256}, null for the webhook. */
        String pushTokenSha256();

        /**
         * True when a {@code sent} record precedes each try (APNs/FCM: the provider's answer may
         * take a while, and the device is meant to hear of it meanwhile).
         */
        boolean recordsSent();

        /**
         * The stable seed of one record's event id, so a redelivered {@code push.requested} writes
         * the same ids.
         */
        String eventIdSeed(int attempt, DeliveryStatus status);

        /** One try; the Uni fails only on a bug, every failure of the other side is an {@link Outcome}. */
        Uni<? extends Outcome> send();

        /** What a dead letter of this delivery carries of the {@code push.requested}. */
        ChallengeEvent deadLetterEvent();
    }

    private final DeliveryEventPublisher deliveryEvents;
    private final DeadLetterPublisher deadLetters;
    private final Clock clock;
    private final RetryPolicy retries;
    private final NotifierMetrics metrics;

    public DeliveryAttempts(DeliveryEventPublisher deliveryEvents, DeadLetterPublisher deadLetters, Clock clock,
            NotifierConfig config, NotifierMetrics metrics) {
        this.metrics = metrics;
        this.deliveryEvents = deliveryEvents;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.retries = new RetryPolicy(config.webhook().attempts(), config.webhook().backoffBase(),
                config.webhook().backoffMax());
    }

    /** Runs the delivery to its end: accepted, unregistered, or dead-lettered. */
    public Uni<Void> deliver(Destination destination) {
        return attempt(destination, 1);
    }

    private Uni<Void> attempt(Destination destination, int attempt) {
        Uni<Void> announced = destination.recordsSent()
                ? record(destination, attempt, DeliveryStatus.SENT, null, null, false)
                : Uni.createFrom().voidItem();
        return announced
                .flatMap(ignored -> destination.send())
                .flatMap(outcome -> {
                    boolean last = !outcome.retryable() || attempt >= retries.attempts();
                    count(destination, outcome, last);
                    return record(destination, attempt, outcome.status(), outcome.httpStatus(), outcome.reason(), last)
                            .flatMap(ignored -> next(destination, attempt, outcome, last));
                });
    }

    private Uni<Void> next(Destination destination, int attempt, Outcome outcome, boolean last) {
        if (outcome.status() == DeliveryStatus.ACCEPTED) {
            return Uni.createFrom().voidItem();
        }
        if (outcome.status() == DeliveryStatus.UNREGISTERED) {
            // credential-service clears the token from the delivery event.
            LOG.infof("%s: device unregistered (%s)", destination.describe(), outcome.reason());
            return Uni.createFrom().voidItem();
        }
        if (last) {
            return deadLetter(destination, attempt, outcome);
        }
        // Never sooner than the other side asked (429 / 503 with Retry-After), capped.
        Duration wait = RetryPolicy.honouring(retries.delayAfter(attempt, ThreadLocalRandom.current()),
                outcome.retryAfter());
        LOG.infof("%s: %s; try %d in %d ms", destination.describe(), outcome.reason(), attempt + 1, wait.toMillis());
        return RetryPolicy.pause(wait).flatMap(ignored -> attempt(destination, attempt + 1));
    }

    private void count(Destination destination, Outcome outcome, boolean last) {
        if ("webhook".equals(destination.channel())) {
            metrics.webhookAttempt(outcome.status());
        }
        boolean ended = last || outcome.status() == DeliveryStatus.ACCEPTED
                || outcome.status() == DeliveryStatus.UNREGISTERED;
        if (ended) {
            metrics.delivered(destination.channel(), outcome.status());
        }
    }

    private Uni<Void> record(Destination destination, int attempt, DeliveryStatus status, Integer httpStatus,
            String reason, boolean last) {
        ChallengeEvent push = destination.push();
        DeliveryEvent delivery = new DeliveryEvent(
                UUID.nameUUIDFromBytes(destination.eventIdSeed(attempt, status).getBytes(StandardCharsets.UTF_8))
                        .toString(),
                DeliveryEvent.TYPE, push.tenantId(), push.challengeId(), push.eventId(), destination.channel(),
                destination.credentialIds(), attempt, status, httpStatus, reason, last, now(),
                destination.credentialId(), push.idempotencyKey(), push.userId(), destination.pushTokenSha256());
        // A result that cannot be recorded must not hold up or repeat the delivery itself.
        return deliveryEvents.publish(delivery)
                .onFailure().invoke(failure -> LOG.warnf("Delivery event %s not published: %s", delivery.eventId(),
                        failure.getMessage()))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> deadLetter(Destination destination, int attempts, Outcome outcome) {
        String challengeId = destination.push().challengeId();
        LOG.warnf("%s failed after %d tries (%s); dead-lettered", destination.describe(), attempts, outcome.reason());
        DeadLetter letter = new DeadLetter(destination.deadLetterEvent(), destination.channel(), outcome.reason(),
                attempts, outcome.httpStatus(), now());
        metrics.deadLettered(destination.channel());
        return deadLetters.publish(letter)
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(DEAD_LETTER_TRIES)
                .onFailure().invoke(failure -> LOG.errorf(failure, "Dead letter for push %s lost", challengeId))
                .onFailure().recoverWithNull();
    }

    /** Wire timestamps carry milliseconds (docs/protocol/decisions.md#7-timestamps). */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
