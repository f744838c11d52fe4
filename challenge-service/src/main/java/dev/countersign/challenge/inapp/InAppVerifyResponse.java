package dev.countersign.challenge.inapp;

import com.fasterxml.jackson.annotation.JsonInclude;

/** docs/protocol/wire.md#38-in-app-verify: {@code token}, {@code userId}, {@code userAuthenticatorId} required; {@code username} when known. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InAppVerifyResponse(String token, String userId, String userAuthenticatorId, String username) {
}
