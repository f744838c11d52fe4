package dev.countersign.challenge.push;

/** The browser's poll (§4.1). */
public record VerifyPushRequest(String challengeId) {
}
