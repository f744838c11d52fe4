package dev.countersign.challenge.action;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One item of the actions query (docs/protocol/wire.md#54-get-update-and-query-actions); {@code updatedAt} is the last state change,
 * {@code verifiedByAuthenticatorId} the credential whose verification succeeded the action.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UserActionResponse(
        String actionCode,
        String idempotencyKey,
        String createdAt,
        String updatedAt,
        String state,
        String stateUpdatedAt,
        String verificationMethod,
        String verifiedByAuthenticatorId) {
}
