package dev.countersign.notifier.delivery.webhook;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.common.event.DeliveryEvent;
import dev.countersign.common.event.DeliveryStatus;
import dev.countersign.common.http.RetryAfter;
import dev.countersign.notifier.config.NotifierConfig;
import dev.countersign.notifier.delivery.DeliveryAttempts;
import dev.countersign.notifier.delivery.RecentEvents;
import dev.countersign.notifier.delivery.RetryPolicy;
import io.smallrye.mutiny.Uni;

/**
 * Sends one {@code push.requested} as the tenant's signed {@code push.created} webhook: retried on
 * network errors, timeouts, 5xx, 408 and 429 with full-jitter back-off, recorded per attempt on
 * {@code delivery-events}, and handed to {@code challenge-events-dlq} when it finally fails (the
 * loop is {@link DeliveryAttempts}, shared with the devices' pushes). The
 * returned Uni never fails: a failed delivery never fails the challenge (docs/protocol/decisions.md#13-pushcreated-webhook) — the
 * device can always fetch it.
 */
@ApplicationScoped
public class WebhookDelivery {

    private static final Logger LOG = Logger.getLogger(WebhookDelivery.class);

    private final WebhookTargets targets;
    private final WebhookClient client;
    private final DeliveryAttempts attempts;
    private final ObjectMapper json;
    private final Clock clock;
    private final NotifierConfig.Webhook config;
    private final RecentEvents recent;

    public WebhookDelivery(WebhookTargets targets, WebhookClient client, DeliveryAttempts attempts, ObjectMapper json,
            Clock clock, NotifierConfig config) {
        this.targets = targets;
        this.client = client;
        this.attempts = attempts;
        this.json = json;
        this.clock = clock;
        this.config = config.webhook();
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
        return attempts.deliver(new Webhook(event, target.get(), body))
                .onFailure().invoke(failure -> {
                    // Unexpected (a bug, not the receiver): let a redelivery try again.
                    recent.release(event.eventId());
                    LOG.errorf(failure, "Delivery of push %s broke off", event.challengeId());
                })
                .onFailure().recoverWithNull();
    }

    /** The webhook of one {@code push.requested}: the same body on every try, signed at each. */
    private final class Webhook implements DeliveryAttempts.Destination {

        private final ChallengeEvent push;
        private final WebhookTargets.Target target;
        private final byte[] body;

        Webhook(ChallengeEvent push, WebhookTargets.Target target, byte[] body) {
            this.push = push;
            this.target = target;
            this.body = body;
        }

        @Override
        public ChallengeEvent push() {
            return push;
        }

        @Override
        public String channel() {
            return DeliveryEvent.WEBHOOK;
        }

        @Override
        public String describe() {
            return "Webhook for push " + push.challengeId();
        }

        @Override
        public List<String> credentialIds() {
            return push.targetCredentialIds() == null ? List.of() : push.targetCredentialIds();
        }

        @Override
        public String credentialId() {
            return null;
        }

        @Override
        public String pushTokenSha256() {
            return null;
        }

        @Override
        public boolean recordsSent() {
            return false;
        }

        @Override
        public String eventIdSeed(int attempt, DeliveryStatus status) {
            return push.eventId() + "/" + DeliveryEvent.WEBHOOK + "/" + attempt;
        }

        @Override
        public Uni<Result> send() {
            String signature = WebhookSignature.header(target.secret(), clock.instant().getEpochSecond(), body);
            return client.post(target.url(), body, signature)
                    .map(reply -> Result.of(reply, clock.instant()))
                    .onFailure().recoverWithItem(Result::of);
        }

        /**
         * Without the devices' targets: a replay of this letter is about the webhook, and the push
         * tokens have no business in it (the devices' own letters carry their one target).
         */
        @Override
        public ChallengeEvent deadLetterEvent() {
            return new ChallengeEvent(push.eventId(), push.type(), push.tenantId(), push.challengeId(),
                    push.version(), push.kind(), push.userId(), push.actionCode(), push.idempotencyKey(),
                    push.targetCredentialIds(), push.credentialId(), push.ipAddress(), push.userAgent(),
                    push.deviceId(), push.custom(), push.expiresAt(), push.occurredAt());
        }
    }

    /** One try's outcome. {@code reason} names the failure without the URL, a header or the body. */
    record Result(DeliveryStatus status, Integer httpStatus, String reason, boolean retryable, Duration retryAfter)
            implements DeliveryAttempts.Outcome {

        static Result of(WebhookClient.Reply reply, Instant now) {
            int status = reply.status();
            if (RetryPolicy.accepted(status)) {
                return new Result(DeliveryStatus.ACCEPTED, status, null, false, null);
            }
            boolean retryable = RetryPolicy.retryable(status);
            // A refusal is recorded as failed too (not retried): the webhook has no "rejected".
            return new Result(DeliveryStatus.FAILED, status, "HTTP " + status + (retryable ? "" : " (not retried)"),
                    retryable, RetryAfter.parse(reply.retryAfter(), now, RetryPolicy.RETRY_AFTER_MAX).orElse(null));
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
            return new Result(DeliveryStatus.FAILED, null, reason, true, null);
        }
    }
}
