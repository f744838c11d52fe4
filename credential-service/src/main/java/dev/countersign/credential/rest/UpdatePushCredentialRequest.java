package dev.countersign.credential.rest;

/**
 * Body of {@code PATCH /client/user-authenticators/push} (docs/protocol/wire.md#72-additions-of-the-newer-sdks). Android omits {@code resetExpiry}
 * when false and {@code pushToken} when null; both mean "leave as is".
 */
public record UpdatePushCredentialRequest(String challengeId, String publicKey, String signature, String pushToken,
        Boolean resetExpiry) {
}
