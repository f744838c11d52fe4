package dev.countersign.notifier.delivery.push;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.common.event.DeliveryStatus;
import dev.countersign.common.event.PushTarget;
import dev.countersign.notifier.config.NotifierConfig;
import dev.countersign.notifier.delivery.DeliveryAttempts;
import dev.countersign.notifier.delivery.RecentEvents;
import dev.countersign.notifier.delivery.RetryPolicy;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * Sends one {@code push.requested} to each target device through its provider: {@code ios} →
 * APNs, {@code android} → FCM, when that channel is configured (otherwise the device gets only
 * what the webhook triggers). Per device and attempt a {@code sent} record and the provider's
 * answer go to {@code delivery-events}; a retryable failure is retried with the webhook's
 * {@link RetryPolicy}; a final failure or refusal goes to {@code challenge-events-dlq}; an
 * {@code unregistered} answer is left to credential-service, which clears the token. The loop is
 * {@link DeliveryAttempts}, shared with the webhook. The
 * returned Uni never fails: a failed delivery never fails the challenge (docs/protocol/decisions.md#13-pushcreated-webhook).
 *
 * <p>{@link Startup} so that a partly configured channel stops the service at start, not at the
 * first push; injecting the channels here also keeps Quarkus from removing them as unused.
 */
@Singleton
@Startup
public class ChannelDelivery {

    private static final Logger LOG = Logger.getLogger(ChannelDelivery.class);

    private final ApnsChannel apns;
    private final FcmChannel fcm;
    private final DeliveryAttempts attempts;
    private final Clock clock;
    private final RecentEvents recent;
    private final NotifierConfig.Push text;

    public ChannelDelivery(ApnsChannel apns, FcmChannel fcm, DeliveryAttempts attempts, Clock clock,
            NotifierConfig config) {
        this.apns = apns;
        this.fcm = fcm;
        this.attempts = attempts;
        this.clock = clock;
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
                .map(target -> attempts.deliver(new Device(event, target, channelFor(target.platform()), notification)))
                .toList();
        return Uni.join().all(sends).andCollectFailures().replaceWithVoid()
                .onFailure().invoke(failure -> {
                    recent.release(event.eventId());
                    LOG.errorf(failure, "Device delivery of push %s broke off", event.challengeId());
                })
                .onFailure().recoverWithNull();
    }

    /** One device's push through its channel. */
    private record Device(ChallengeEvent push, PushTarget target, PushChannel pushChannel, PushNotification notification)
            implements DeliveryAttempts.Destination {

        @Override
        public String channel() {
            return pushChannel.name();
        }

        @Override
        public String describe() {
            return pushChannel.name() + " for push " + push.challengeId() + ", credential " + target.credentialId();
        }

        @Override
        public List<String> credentialIds() {
            return List.of(target.credentialId());
        }

        @Override
        public String credentialId() {
            return target.credentialId();
        }

        @Override
        public String pushTokenSha256() {
            return PushTarget.tokenSha256(target.pushToken());
        }

        @Override
        public boolean recordsSent() {
            return true;
        }

        @Override
        public String eventIdSeed(int attempt, DeliveryStatus status) {
            return push.eventId() + "/" + pushChannel.name() + "/" + target.credentialId() + "/" + attempt + "/"
                    + (status == DeliveryStatus.SENT ? "sent" : "result");
        }

        @Override
        public Uni<ChannelResult> send() {
            return pushChannel.send(target.pushToken(), notification);
        }

        /** Narrowed to the one device, so a replay of the letter reaches only it through this channel. */
        @Override
        public ChallengeEvent deadLetterEvent() {
            return new ChallengeEvent(push.eventId(), push.type(), push.tenantId(), push.challengeId(),
                    push.version(), push.kind(), push.userId(), push.actionCode(), push.idempotencyKey(),
                    push.targetCredentialIds(), push.credentialId(), push.ipAddress(), push.userAgent(),
                    push.deviceId(), push.custom(), push.expiresAt(), push.occurredAt(), List.of(target));
        }
    }
}
