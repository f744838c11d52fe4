package dev.countersign.challenge.inapp;

/** {@code POST /v1/client/verify/in-app} (§3.8); the signature is over {@code challengeId}. */
public record InAppVerifyRequest(String challengeId, String publicKey, String signature) {
}
