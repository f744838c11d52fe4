package dev.countersign.credential.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.countersign.common.json.WireTime;
import dev.countersign.credential.Credential;

/**
 * A credential as the SDKs read it after add and get (§3.1): {@code verifiedAt} is when it was
 * enrolled, {@code lastVerifiedAt} when it last answered a challenge (absent until then).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CredentialResponse(String userAuthenticatorId, String userId, String verifiedAt, String lastVerifiedAt) {

    static CredentialResponse of(Credential credential) {
        return new CredentialResponse(credential.id.toString(), credential.userId,
                WireTime.format(credential.createdAt), WireTime.format(credential.lastVerifiedAt));
    }
}
