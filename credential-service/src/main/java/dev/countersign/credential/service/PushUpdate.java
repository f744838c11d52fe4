package dev.countersign.credential.service;

import java.util.UUID;

import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.credential.DeviceMetadata;

/**
 * A signed {@code PATCH …/push} (wire §7.2): the key's signature over the message of signing
 * challenge {@code challengeId}; a new push token (null = keep) and whether to renew the expiry.
 */
public record PushUpdate(UUID challengeId, DevicePublicKey key, String signature, String pushToken,
        boolean resetExpiry, DeviceMetadata metadata) {
}
