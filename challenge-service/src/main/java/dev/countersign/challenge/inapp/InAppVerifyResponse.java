package dev.countersign.challenge.inapp;

import com.fasterxml.jackson.annotation.JsonInclude;

/** §3.8: {@code token}, {@code userId}, {@code userAuthenticatorId} required; {@code username} when known. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InAppVerifyResponse(String token, String userId, String userAuthenticatorId, String username) {
}
