package dev.countersign.credential.messaging;

/**
 * The part of a notifier {@code delivery-events} record credential-service acts on (other fields
 * are ignored). {@code pushTokenSha256} names the token the provider answered about, without the token.
 */
public record DeliveryResult(
        String eventId,
        String tenantId,
        String challengeId,
        String channel,
        String credentialId,
        String status,
        String pushTokenSha256) {

    /** The status of an attempt whose provider said the device token is dead. */
    public static final String UNREGISTERED = "unregistered";
}
