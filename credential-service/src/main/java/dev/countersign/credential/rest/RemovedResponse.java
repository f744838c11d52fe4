package dev.countersign.credential.rest;

/** Answer to a removal; iOS decodes {@code removedAuthenticatorId} (§3.3). */
public record RemovedResponse(String removedAuthenticatorId) {
}
