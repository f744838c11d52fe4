package dev.countersign.notifier.delivery.push;

import java.time.Duration;

import dev.countersign.common.event.DeliveryStatus;
import dev.countersign.notifier.delivery.DeliveryAttempts;

/**
 * A push provider's answer to one notification.
 *
 * @param status {@code accepted} (the provider took it; delivery to the phone is up to the
 *        provider), {@code rejected} (refused for this message or configuration; trying again will
 *        not help), {@code unregistered} (the device token is dead: mark the credential, stop
 *        sending to it) or {@code failed} (network error, timeout, throttling or a provider outage:
 *        retry later); never {@code sent}
 * @param reason the provider's error code or a network failure's kind; never a token or a URL;
 *        null when accepted
 * @param httpStatus the provider's HTTP status, null when none came
 * @param retryAfter how long the provider asked us to wait before trying again (its
 *        {@code Retry-After}), null when it did not say
 */
public record ChannelResult(DeliveryStatus status, String reason, Integer httpStatus, Duration retryAfter)
        implements DeliveryAttempts.Outcome {

    public ChannelResult(DeliveryStatus status, String reason, Integer httpStatus) {
        this(status, reason, httpStatus, null);
    }

    public static ChannelResult accepted(Integer httpStatus) {
        return new ChannelResult(DeliveryStatus.ACCEPTED, null, httpStatus);
    }

    public static ChannelResult rejected(String reason, Integer httpStatus) {
        return new ChannelResult(DeliveryStatus.REJECTED, reason, httpStatus);
    }

    public static ChannelResult unregistered(String reason, Integer httpStatus) {
        return new ChannelResult(DeliveryStatus.UNREGISTERED, reason, httpStatus);
    }

    public static ChannelResult failed(String reason, Integer httpStatus) {
        return new ChannelResult(DeliveryStatus.FAILED, reason, httpStatus);
    }

    /** Retryable, and the provider said when (throttling, an announced outage). */
    public static ChannelResult failed(String reason, Integer httpStatus, Duration retryAfter) {
        return new ChannelResult(DeliveryStatus.FAILED, reason, httpStatus, retryAfter);
    }

    public boolean accepted() {
        return status == DeliveryStatus.ACCEPTED;
    }

    @Override
    public boolean retryable() {
        return status == DeliveryStatus.FAILED;
    }
}
