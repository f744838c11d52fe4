package dev.countersign.challenge.action;

import java.time.Instant;
import java.util.Optional;

import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.token.TokenClaims;

/**
 * A tracked action (docs/protocol/wire.md#51-track-an-action): one user's attempt at one action code, named by its idempotency key
 * within the tenant. Its state moves from the track outcome to a challenge's result (docs/protocol/decisions.md#3-action-lifecycle).
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

    /**
     * The challengeable rule, the same for every verification method: a challenge may be made or
     * answered for the token's action only while it is that token's (tenant, user, action code;
     * else 404, as for no action at all) and still waits for its challenge's result (an action
     * already decided by a challenge is 409, one in any other state 400).
     */
    public void requireChallengeableBy(TokenClaims token) {
        if (!belongsTo(token.tenantId(), token.userId(), token.actionCode())) {
            throw new ApiException(ErrorCode.NOT_FOUND, "No such action");
        }
        if (state == ActionState.CHALLENGE_SUCCEEDED || state == ActionState.CHALLENGE_FAILED) {
            throw new ApiException(ErrorCode.CHALLENGE_ALREADY_ANSWERED, "The action's challenge was already answered");
        }
        if (state != ActionState.CHALLENGE_REQUIRED) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "The action is " + state + ", not CHALLENGE_REQUIRED");
        }
    }
}
