package dev.countersign.challenge.action;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Validate's answer (docs/protocol/wire.md#53-validate). {@code error} appears only with {@code isValid: false} for a token that
 * does not verify; the Node SDK's {@code ValidateChallengeResponse} declares it optional.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ValidateResponse(
        @JsonProperty("isValid") boolean isValid,
        String state,
        String stateUpdatedAt,
        String userId,
        String actionCode,
        String idempotencyKey,
        String verificationMethod,
        String error) {
}
