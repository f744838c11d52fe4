package dev.countersign.challenge;

import java.time.Instant;
import java.util.Optional;

/**
 * A tracked action (§5.1): one user's attempt at one action code, named by its idempotency key
 * within the tenant. Its state moves from the track outcome to a challenge's result (decisions §3).
 */
public record Action(
        String tenantId,
        String idempotencyKey,
        String userId,
        String actionCode,
        ActionState state,
        Instant createdAt,
        Instant stateUpdatedAt,
        Optional<String> verificationMethod,
        Optional<String> scope,
        Optional<String> username,
        // The credential whose verification succeeded the action (queryUserActions shows it).
        Optional<String> verifiedByAuthenticatorId) {

    public boolean belongsTo(String tenantId, String userId, String actionCode) {
        return this.tenantId.equals(tenantId) && this.userId.equals(userId) && this.actionCode.equals(actionCode);
    }
}
