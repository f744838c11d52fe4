package dev.countersign.notifier.delivery;

/**
 * A push provider's answer to one notification.
 *
 * @param reason the provider's error code or a network failure's kind; never a token or a URL;
 *        null when accepted
 * @param providerStatus the provider's HTTP status, null when none came
 * @param retryAfter how long the provider asked us to wait before trying again (its
 *        {@code Retry-After}), null when it did not say
 */
public record ChannelResult(Status status, String reason, Integer providerStatus, java.time.Duration retryAfter) {

    public ChannelResult(Status status, String reason, Integer providerStatus) {
        this(status, reason, providerStatus, null);
    }

    public enum Status {
        /** The provider took it; delivery to the phone is up to the provider. */
        ACCEPTED,
        /** Refused for this message or configuration; trying again will not help. */
        REJECTED,
        /** The device token is dead: mark the credential, stop sending to it. */
        UNREGISTERED,
        /** Network error, timeout, throttling or a provider outage: retry later. */
        FAILED;

        /** The {@code status} value of a delivery event. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static ChannelResult accepted(Integer providerStatus) {
        return new ChannelResult(Status.ACCEPTED, null, providerStatus);
    }

    public static ChannelResult rejected(String reason, Integer providerStatus) {
        return new ChannelResult(Status.REJECTED, reason, providerStatus);
    }

    public static ChannelResult unregistered(String reason, Integer providerStatus) {
        return new ChannelResult(Status.UNREGISTERED, reason, providerStatus);
    }

    public static ChannelResult failed(String reason, Integer providerStatus) {
        return new ChannelResult(Status.FAILED, reason, providerStatus);
    }

    /** Retryable, and the provider said when (throttling, an announced outage). */
    public static ChannelResult failed(String reason, Integer providerStatus, java.time.Duration retryAfter) {
        return new ChannelResult(Status.FAILED, reason, providerStatus, retryAfter);
    }

    public boolean accepted() {
        return status == Status.ACCEPTED;
    }

    public boolean retryable() {
        return status == Status.FAILED;
    }
}
