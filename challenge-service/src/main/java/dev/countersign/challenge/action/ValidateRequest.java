package dev.countersign.challenge.action;

/** Validate's body (§5.3): the token, and optionally the action and user the caller expects. */
public record ValidateRequest(String token, String action, String userId) {
}
