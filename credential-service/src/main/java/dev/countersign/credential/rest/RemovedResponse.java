package dev.countersign.credential.rest;

/** Answer to a removal; iOS decodes {@code removedAuthenticatorId} (docs/protocol/wire.md#33-remove-a-credential). */
public record RemovedResponse(String removedAuthenticatorId) {
}
