package dev.countersign.credential.service;

import java.util.UUID;

import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.credential.DeviceMetadata;

/**
 * A signed {@code PATCH …/push} (docs/protocol/wire.md#72-additions-of-the-newer-sdks): the key's signature over the message of signing
 * challenge {@code challengeId}; a new push token (null = keep) and whether to renew the expiry.
 */
public record PushUpdate(UUID challengeId, DevicePublicKey key, String signature, String pushToken,
        boolean resetExpiry, DeviceMetadata metadata) {
}
