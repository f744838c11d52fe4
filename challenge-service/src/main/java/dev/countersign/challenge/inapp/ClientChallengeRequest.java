package dev.countersign.challenge.inapp;

/** {@code POST /v1/client/challenge} (§3.4): {@code {"action": "<code>"}} or {@code {}}. */
public record ClientChallengeRequest(String action) {
}
