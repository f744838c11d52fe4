package dev.countersign.credential.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.countersign.common.json.WireTime;
import dev.countersign.credential.Credential;

/**
 * A credential as the SDKs read it after add and get (docs/protocol/wire.md#31-get-a-credential): {@code verifiedAt} is when it was
 * enrolled, {@code lastVerifiedAt} when it last answered a challenge (absent until then),
 * {@code expiresAt} when it stops answering unless renewed (docs/protocol/wire.md#72-additions-of-the-newer-sdks; absent = never).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CredentialResponse(String userAuthenticatorId, String userId, String verifiedAt, String lastVerifiedAt,
        String expiresAt) {

    static CredentialResponse of(Credential credential) {
        return new CredentialResponse(credential.id.toString(), credential.userId,
                WireTime.format(credential.createdAt), WireTime.format(credential.lastVerifiedAt),
                WireTime.format(credential.expiresAt));
    }
}
