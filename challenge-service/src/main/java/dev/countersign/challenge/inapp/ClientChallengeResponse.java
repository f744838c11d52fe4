package dev.countersign.challenge.inapp;

import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code challengeId} always; {@code nonce} only for the attestation nonce (§3.4). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClientChallengeResponse(String challengeId, String nonce) {
}
