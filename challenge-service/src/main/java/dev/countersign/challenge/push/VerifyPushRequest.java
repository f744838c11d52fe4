package dev.countersign.challenge.push;

/** The browser's poll (docs/protocol/wire.md#41-push-from-the-browser). */
public record VerifyPushRequest(String challengeId) {
}
