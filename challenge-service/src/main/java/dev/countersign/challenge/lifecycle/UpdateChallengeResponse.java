package dev.countersign.challenge.lifecycle;

import com.fasterxml.jackson.annotation.JsonProperty;

/** iOS requires {@code isVerified} (docs/protocol/wire.md#36-push-and-qr-answer-a-challenge): true for an accepted approval, false for an accepted rejection (docs/protocol/decisions.md#6-isverified). */
public record UpdateChallengeResponse(@JsonProperty("isVerified") boolean isVerified) {
}
