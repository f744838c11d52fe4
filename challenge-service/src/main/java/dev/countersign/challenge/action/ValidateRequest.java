package dev.countersign.challenge.action;

/** Validate's body (docs/protocol/wire.md#53-validate): the token, and optionally the action and user the caller expects. */
public record ValidateRequest(String token, String action, String userId) {
}
