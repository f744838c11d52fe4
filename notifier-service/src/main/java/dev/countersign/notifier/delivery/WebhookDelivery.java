package dev.countersign.notifier.delivery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.notifier.config.NotifierConfig;
import dev.countersign.notifier.messaging.DeadLetterPublisher;
import dev.countersign.notifier.messaging.DeliveryEventPublisher;
import io.smallrye.mutiny.Uni;

/**
 * Sends one {@code push.requested} as the tenant's signed {@code push.created} webhook: retried on
 * network errors, timeouts, 5xx, 408 and 429 with full-jitter back-off, recorded per attempt on
 * {@code delivery-events}, and handed to {@code challenge-events-dlq} when it finally fails. The
 * returned Uni never fails: a failed delivery never fails the challenge (decisions §13) — the
 * device can always fetch it.
 */
@ApplicationScoped
public class WebhookDelivery {

    private static final Logger LOG = Logger.getLogger(WebhookDelivery.class);
    /** A broker that does not take a dead letter after this many tries is logged, not waited for forever. */
    private static final int DEAD_LETTER_TRIES = 10;

    private final WebhookTargets targets;
    private final WebhookClient client;
    private final DeliveryEventPublisher deliveryEvents;
    private final DeadLetterPublisher deadLetters;
    private final ObjectMapper json;
    private final Clock clock;
    private final NotifierConfig.Webhook config;
    private final RetryPolicy retries;
    private final RecentEvents recent;

    public WebhookDelivery(WebhookTargets targets, WebhookClient client, DeliveryEventPublisher deliveryEvents,
            DeadLetterPublisher deadLetters, ObjectMapper json, Clock clock, NotifierConfig config) {
        this.targets = targets;
        this.client = client;
        this.deliveryEvents = deliveryEvents;
        this.deadLetters = deadLetters;
        this.json = json;
        this.clock = clock;
        this.config = config.webhook();
        this.retries = new RetryPolicy(this.config.attempts(), this.config.backoffBase(), this.config.backoffMax());
        this.recent = new RecentEvents(this.config.recentEvents());
    }

    public Uni<Void> deliver(ChallengeEvent event) {
        var target = targets.of(event.tenantId());
        if (target.isEmpty()) {
            LOG.debugf("Tenant %s has no webhook; push %s not sent", event.tenantId(), event.challengeId());
            return Uni.createFrom().voidItem();
        }
        if (event.expiresAt() != null && !event.expiresAt().isAfter(clock.instant())) {
            // Nothing to approve any more: a late start (the group reads from the earliest
            // offset) or a long outage must not wake phones for dead challenges.
            LOG.debugf("push %s expired before delivery; not sent", event.challengeId());
            return Uni.createFrom().voidItem();
        }
        if (!recent.claim(event.eventId())) {
            LOG.debugf("push.requested %s already delivered by this replica", event.eventId());
            return Uni.createFrom().voidItem();
        }
        byte[] body = WebhookEnvelope.body(json, config.source(), event);
        return attempt(event, target.get(), body, 1)
                .onFailure().invoke(failure -> {
                    // Unexpected (a bug, not the receiver): let a redelivery try again.
                    recent.release(event.eventId());
                    LOG.errorf(failure, "Delivery of push %s broke off", event.challengeId());
                })
                .onFailure().recoverWithNull();
    }

    private Uni<Void> attempt(ChallengeEvent event, WebhookTargets.Target target, byte[] body, int attempt) {
        String signature = WebhookSignature.header(target.secret(), clock.instant().getEpochSecond(), body);
        return client.post(target.url(), body, signature)
                .map(reply -> Result.of(reply, clock.instant()))
                .onFailure().recoverWithItem(Result::of)
                .flatMap(result -> {
                    boolean last = result.accepted() || !result.retryable() || attempt >= retries.attempts();
                    return recordAttempt(event, attempt, result, last).replaceWith(result).flatMap(r -> {
                        if (r.accepted()) {
                            return Uni.createFrom().voidItem();
                        }
                        if (last) {
                            return deadLetter(event, attempt, r);
                        }
                        // Never sooner than the receiver asked (429 / 503 with Retry-After), capped.
                        Duration wait = RetryPolicy.honouring(retries.delayAfter(attempt, ThreadLocalRandom.current()),
                                r.retryAfter());
                        LOG.infof("Webhook for push %s: %s; try %d in %d ms", event.challengeId(), r.reason(),
                                attempt + 1, wait.toMillis());
                        return RetryPolicy.pause(wait).flatMap(ignored -> attempt(event, target, body, attempt + 1));
                    });
                });
    }

    private Uni<Void> recordAttempt(ChallengeEvent event, int attempt, Result result, boolean last) {
        DeliveryEvent delivery = new DeliveryEvent(
                UUID.nameUUIDFromBytes((event.eventId() + "/" + DeliveryEvent.WEBHOOK + "/" + attempt)
                        .getBytes(StandardCharsets.UTF_8)).toString(),
                DeliveryEvent.TYPE, event.tenantId(), event.challengeId(), event.eventId(), DeliveryEvent.WEBHOOK,
                event.targetCredentialIds() == null ? List.of() : event.targetCredentialIds(), attempt,
                result.accepted() ? DeliveryEvent.ACCEPTED : DeliveryEvent.FAILED, result.status(),
                result.accepted() ? null : result.reason(), last, now(), null, event.idempotencyKey(),
                event.userId(), null);
        // A result that cannot be recorded must not hold up or repeat the delivery itself.
        return deliveryEvents.publish(delivery)
                .onFailure().invoke(failure -> LOG.warnf("Delivery event %s not published: %s", delivery.eventId(),
                        failure.getMessage()))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> deadLetter(ChallengeEvent event, int attempts, Result result) {
        LOG.warnf("Webhook for push %s failed after %d tries (%s); dead-lettered", event.challengeId(), attempts,
                result.reason());
        // Without the devices' targets: a replay of this letter is about the webhook, and the push
        // tokens have no business in it (the devices' own letters carry their one target).
        ChallengeEvent withoutTargets = new ChallengeEvent(event.eventId(), event.type(), event.tenantId(),
                event.challengeId(), event.version(), event.kind(), event.userId(), event.actionCode(),
                event.idempotencyKey(), event.targetCredentialIds(), event.credentialId(), event.ipAddress(),
                event.userAgent(), event.deviceId(), event.custom(), event.expiresAt(), event.occurredAt());
        DeadLetter letter = new DeadLetter(withoutTargets, DeliveryEvent.WEBHOOK, result.reason(), attempts,
                result.status(), now());
        return deadLetters.publish(letter)
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(DEAD_LETTER_TRIES)
                .onFailure().invoke(failure -> LOG.errorf(failure, "Dead letter for push %s lost", event.challengeId()))
                .onFailure().recoverWithNull();
    }

    /** Wire timestamps carry milliseconds (decisions §7). */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** One try's outcome. {@code reason} names the failure without the URL, a header or the body. */
    record Result(Integer status, String reason, boolean accepted, boolean retryable, Duration retryAfter) {

        static Result of(WebhookClient.Reply reply, Instant now) {
            int status = reply.status();
            if (RetryPolicy.accepted(status)) {
                return new Result(status, null, true, false, null);
            }
            boolean retryable = RetryPolicy.retryable(status);
            return new Result(status, "HTTP " + status + (retryable ? "" : " (not retried)"), false, retryable,
                    RetryPolicy.retryAfter(reply.retryAfter(), now).orElse(null));
        }

        static Result of(Throwable failure) {
            String reason;
            if (failure instanceof TimeoutException || failure.getClass().getSimpleName().contains("Timeout")) {
                reason = "timeout";
            } else if (failure instanceof IOException) {
                reason = "network error (" + failure.getClass().getSimpleName() + ")";
            } else {
                reason = "request failed (" + failure.getClass().getSimpleName() + ")";
            }
            return new Result(null, reason, false, true, null);
        }
    }
}
