package dev.countersign.notifier.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.common.event.PushTarget;
import dev.countersign.notifier.config.NotifierConfig;
import dev.countersign.notifier.messaging.DeadLetterPublisher;
import dev.countersign.notifier.messaging.DeliveryEventPublisher;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * Sends one {@code push.requested} to each target device through its provider: {@code ios} →
 * APNs, {@code android} → FCM, when that channel is configured (otherwise the device gets only
 * what the webhook triggers). Per device and attempt a {@code sent} record and the provider's
 * answer go to {@code delivery-events}; a retryable failure is retried with the webhook's
 * {@link RetryPolicy}; a final failure or refusal goes to {@code challenge-events-dlq}; an
 * {@code unregistered} answer is left to credential-service, which clears the token. The
 * returned Uni never fails: a failed delivery never fails the challenge (decisions §13).
 *
 * <p>{@link Startup} so that a partly configured channel stops the service at start, not at the
 * first push; injecting the channels here also keeps Quarkus from removing them as unused.
 */
@Singleton
@Startup
public class ChannelDelivery {

    private static final Logger LOG = Logger.getLogger(ChannelDelivery.class);
    private static final int DEAD_LETTER_TRIES = 10;

    private final ApnsChannel apns;
    private final FcmChannel fcm;
    private final DeliveryEventPublisher deliveryEvents;
    private final DeadLetterPublisher deadLetters;
    private final Clock clock;
    private final RetryPolicy retries;
    private final RecentEvents recent;
    private final NotifierConfig.Push text;

    public ChannelDelivery(ApnsChannel apns, FcmChannel fcm, DeliveryEventPublisher deliveryEvents,
            DeadLetterPublisher deadLetters, Clock clock, NotifierConfig config) {
        this.apns = apns;
        this.fcm = fcm;
        this.deliveryEvents = deliveryEvents;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.retries = new RetryPolicy(config.webhook().attempts(), config.webhook().backoffBase(),
                config.webhook().backoffMax());
        this.recent = new RecentEvents(config.webhook().recentEvents());
        this.text = config.push();
        LOG.infof("Push channels: apns %s, fcm %s", apns.enabled() ? "on" : "off", fcm.enabled() ? "on" : "off");
    }

    /** The channel a target's platform uses, if configured. */
    PushChannel channelFor(String platform) {
        String normalised = platform == null ? "" : platform.strip().toLowerCase(Locale.ROOT);
        PushChannel channel = switch (normalised) {
            case PushTarget.IOS -> apns;
            case PushTarget.ANDROID -> fcm;
            default -> null;
        };
        return channel != null && channel.enabled() ? channel : null;
    }

    public Uni<Void> deliver(ChallengeEvent event) {
        List<PushTarget> targets = new ArrayList<>();
        if (event.targets() != null) {
            for (PushTarget target : event.targets()) {
                if (target != null && target.credentialId() != null && target.pushToken() != null
                        && !target.pushToken().isBlank() && channelFor(target.platform()) != null) {
                    targets.add(target);
                }
            }
        }
        if (targets.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        if (event.expiresAt() != null && !event.expiresAt().isAfter(clock.instant())) {
            LOG.debugf("push %s expired before delivery; no device notified", event.challengeId());
            return Uni.createFrom().voidItem();
        }
        if (!recent.claim(event.eventId())) {
            LOG.debugf("push.requested %s already sent to devices by this replica", event.eventId());
            return Uni.createFrom().voidItem();
        }
        PushNotification notification = new PushNotification(event.tenantId(), event.challengeId(),
                text.title().orElse(null), text.body().orElse(null), event.expiresAt());
        List<Uni<Void>> sends = targets.stream()
                .map(target -> attempt(event, target, channelFor(target.platform()), notification, 1))
                .toList();
        return Uni.join().all(sends).andCollectFailures().replaceWithVoid()
                .onFailure().invoke(failure -> {
                    recent.release(event.eventId());
                    LOG.errorf(failure, "Device delivery of push %s broke off", event.challengeId());
                })
                .onFailure().recoverWithNull();
    }

    private Uni<Void> attempt(ChallengeEvent event, PushTarget target, PushChannel channel,
            PushNotification notification, int attempt) {
        return record(event, target, channel, attempt, DeliveryEvent.SENT, null, null, false)
                .flatMap(ignored -> channel.send(target.pushToken(), notification))
                .flatMap(result -> {
                    boolean last = !result.retryable() || attempt >= retries.attempts();
                    return record(event, target, channel, attempt, result.status().wireName(), result.providerStatus(),
                            result.reason(), last).flatMap(ignored -> {
                                if (result.accepted()) {
                                    return Uni.createFrom().voidItem();
                                }
                                if (result.status() == ChannelResult.Status.UNREGISTERED) {
                                    // credential-service clears the token from the delivery event.
                                    LOG.infof("%s: device of credential %s unregistered (%s)", channel.name(),
                                            target.credentialId(), result.reason());
                                    return Uni.createFrom().voidItem();
                                }
                                if (last) {
                                    return deadLetter(event, target, channel, attempt, result);
                                }
                                // The provider's Retry-After (FCM 429/503), when it gave one, is a floor.
                                Duration wait = RetryPolicy.honouring(
                                        retries.delayAfter(attempt, ThreadLocalRandom.current()), result.retryAfter());
                                LOG.infof("%s for push %s, credential %s: %s; try %d in %d ms", channel.name(),
                                        event.challengeId(), target.credentialId(), result.reason(), attempt + 1,
                                        wait.toMillis());
                                return RetryPolicy.pause(wait)
                                        .flatMap(p -> attempt(event, target, channel, notification, attempt + 1));
                            });
                });
    }

    private Uni<Void> record(ChallengeEvent event, PushTarget target, PushChannel channel, int attempt, String status,
            Integer providerStatus, String reason, boolean last) {
        DeliveryEvent delivery = new DeliveryEvent(
                UUID.nameUUIDFromBytes((event.eventId() + "/" + channel.name() + "/" + target.credentialId() + "/"
                        + attempt + "/" + (DeliveryEvent.SENT.equals(status) ? "sent" : "result"))
                        .getBytes(StandardCharsets.UTF_8)).toString(),
                DeliveryEvent.TYPE, event.tenantId(), event.challengeId(), event.eventId(), channel.name(),
                List.of(target.credentialId()), attempt, status, providerStatus, reason, last, now(),
                target.credentialId(), event.idempotencyKey(), event.userId(), PushTarget.tokenSha256(target.pushToken()));
        return deliveryEvents.publish(delivery)
                .onFailure().invoke(failure -> LOG.warnf("Delivery event %s not published: %s", delivery.eventId(),
                        failure.getMessage()))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> deadLetter(ChallengeEvent event, PushTarget target, PushChannel channel, int attempts,
            ChannelResult result) {
        LOG.warnf("%s for push %s, credential %s failed after %d tries (%s); dead-lettered", channel.name(),
                event.challengeId(), target.credentialId(), attempts, result.reason());
        // Narrowed to the one device, so a replay of the letter reaches only it through this channel.
        ChallengeEvent narrowed = new ChallengeEvent(event.eventId(), event.type(), event.tenantId(),
                event.challengeId(), event.version(), event.kind(), event.userId(), event.actionCode(),
                event.idempotencyKey(), event.targetCredentialIds(), event.credentialId(), event.ipAddress(),
                event.userAgent(), event.deviceId(), event.custom(), event.expiresAt(), event.occurredAt(),
                List.of(target));
        DeadLetter letter = new DeadLetter(narrowed, channel.name(), result.reason(), attempts,
                result.providerStatus(), now());
        return deadLetters.publish(letter)
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(DEAD_LETTER_TRIES)
                .onFailure().invoke(failure -> LOG.errorf(failure, "Dead letter for push %s lost", event.challengeId()))
                .onFailure().recoverWithNull();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
