package dev.countersign.common.auth;

import java.util.Optional;

import dev.countersign.common.audit.AuthFailure;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.tenant.Tenant;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.common.token.TokenType;

/** Who made the request: the tenant, how it proved it, and the client token if it sent one. */
public record Caller(Tenant tenant, AuthScheme scheme, Optional<TokenClaims> token) {

    public String tenantId() {
        return tenant.id();
    }

    /**
     * The track token, for calls only a tracked action may make (enrolment, challenge initiation):
     * an access token is the wrong kind (docs/protocol/decisions.md#5-token-kinds), so 403 rather than 401.
     */
    public TokenClaims trackToken() {
        TokenClaims claims = token.orElseThrow(() -> ApiException.authentication(ErrorCode.UNAUTHORIZED,
                AuthFailure.WRONG_SCHEME, "A Bearer token from track is required"));
        if (claims.type() != TokenType.TRACK) {
            throw ApiException.authentication(ErrorCode.INSUFFICIENT_SCOPE, AuthFailure.FOREIGN_TOKEN, "An access token cannot be used for this call");
        }
        return claims;
    }
}
