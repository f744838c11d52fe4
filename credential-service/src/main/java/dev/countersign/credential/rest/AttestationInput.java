package dev.countersign.credential.rest;

/**
 * {@code performAttestation} as the device sends it (docs/protocol/wire.md#32-add-a-credential): Android
 * {@code {provider: PLAY_INTEGRITY, token}}, iOS {@code {provider: APP_ATTEST, token, keyId}}.
 * {@code nonce} is Countersign's addition: the nonce from {@code POST /client/challenge} the
 * statement was made for, so the enrolment can be bound to it without opening the statement.
 */
public record AttestationInput(String provider, String token, String keyId, String nonce) {
}
