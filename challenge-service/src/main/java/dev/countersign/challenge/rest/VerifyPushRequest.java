package dev.countersign.challenge.rest;

/** The browser's poll (§4.1). */
public record VerifyPushRequest(String challengeId) {
}
