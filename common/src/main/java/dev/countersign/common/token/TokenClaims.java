package dev.countersign.common.token;

import java.time.Instant;
import java.util.Set;

/**
 * What a client token says (docs/protocol/wire.md#58-tokens): whose action it belongs to and what it allows. On the wire:
 * {@code sub} = user, {@code aud} = tenant, {@code jti}, {@code iat}, {@code exp}, {@code scope},
 * {@code typ}, and the SDKs' {@code other} object with tenant, user, action and idempotency key.
 */
public record TokenClaims(
        String id,
        TokenType type,
        String tenantId,
        String userId,
        String actionCode,
        String idempotencyKey,
        Set<String> scopes,
        Instant issuedAt,
        Instant expiresAt,
        String username) {

    public TokenClaims {
        scopes = Set.copyOf(scopes);
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }
}
