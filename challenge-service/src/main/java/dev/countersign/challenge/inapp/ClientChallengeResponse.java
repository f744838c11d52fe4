package dev.countersign.challenge.inapp;

import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code challengeId} always; {@code nonce} only for the attestation nonce (docs/protocol/wire.md#34-generic-challenge-and-attestation-nonce). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClientChallengeResponse(String challengeId, String nonce) {
}
