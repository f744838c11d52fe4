package dev.countersign.credential.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.countersign.common.json.WireTime;
import dev.countersign.credential.Credential;

/** Answer to {@code PATCH …/push} (docs/protocol/wire.md#72-additions-of-the-newer-sdks): {@code lastVerifiedAt} is required by the SDKs, and always set. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpdatedPushCredentialResponse(String userAuthenticatorId, String userId, String verifiedAt,
        String lastVerifiedAt, String pushToken, String expiresAt) {

    static UpdatedPushCredentialResponse of(Credential credential) {
        return new UpdatedPushCredentialResponse(credential.id.toString(), credential.userId,
                WireTime.format(credential.createdAt), WireTime.format(credential.lastVerifiedAt), credential.pushToken,
                WireTime.format(credential.expiresAt));
    }
}
