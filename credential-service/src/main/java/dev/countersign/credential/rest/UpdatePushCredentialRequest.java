package dev.countersign.credential.rest;

/**
 * Body of {@code PATCH /client/user-authenticators/push} (§7.2). Android omits {@code resetExpiry}
 * when false and {@code pushToken} when null; both mean "leave as is".
 */
public record UpdatePushCredentialRequest(String challengeId, String publicKey, String signature, String pushToken,
        Boolean resetExpiry) {
}
