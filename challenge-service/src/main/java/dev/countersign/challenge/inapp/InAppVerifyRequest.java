package dev.countersign.challenge.inapp;

/** {@code POST /v1/client/verify/in-app} (docs/protocol/wire.md#38-in-app-verify); the signature is over {@code challengeId}. */
public record InAppVerifyRequest(String challengeId, String publicKey, String signature) {
}
