package dev.countersign.challenge.inapp;

/** {@code POST /v1/client/challenge} (docs/protocol/wire.md#34-generic-challenge-and-attestation-nonce): {@code {"action": "<code>"}} or {@code {}}. */
public record ClientChallengeRequest(String action) {
}
