package dev.countersign.common.event;

import java.time.Instant;

/**
 * A change to a device credential, on the compacted {@code credential-events} topic (Kafka key and
 * CloudEvents subject = credential id). {@code version} grows with every change of one credential,
 * so a consumer applies an event only when it is newer than what it holds: an old {@code added}
 * replayed after a {@code removed} changes nothing. Carries what a verifier needs — never a secret.
 *
 * @param devicePlatform {@code ios} or {@code android} as the device enrolled, null when unknown
 * @param pushToken the device's APNs/FCM token (a device address, not a bearer secret; still kept
 *        out of log lines), null when none or after the provider reported it unregistered
 */
public record CredentialEvent(
        String eventId,
        String type,
        String tenantId,
        String credentialId,
        long version,
        String userId,
        String kind,
        String publicKey,
        Instant occurredAt,
        String devicePlatform,
        String pushToken,
        // When the credential stops answering challenges unless renewed (PATCH push with
        // resetExpiry); null = never, and what events written before this field mean.
        Instant expiresAt,
        // The verified attestation verdict (credential.added of a tenant that checks attestation);
        // null when nothing was checked, and in events written before this field.
        AttestationVerdict attestation) {

    /** An event without an attestation verdict (every type but a checked {@code credential.added}). */
    public CredentialEvent(String eventId, String type, String tenantId, String credentialId, long version,
            String userId, String kind, String publicKey, Instant occurredAt, String devicePlatform,
            String pushToken, Instant expiresAt) {
        this(eventId, type, tenantId, credentialId, version, userId, kind, publicKey, occurredAt, devicePlatform,
                pushToken, expiresAt, null);
    }

    public static final String ADDED = "credential.added";
    public static final String UPDATED = "credential.updated";
    public static final String REMOVED = "credential.removed";

    /** The CloudEvents {@code type} attribute: {@code dev.countersign.credential.added} and so on. */
    public String cloudEventType() {
        return "dev.countersign." + type;
    }

    public boolean isRemoval() {
        return REMOVED.equals(type);
    }
}
