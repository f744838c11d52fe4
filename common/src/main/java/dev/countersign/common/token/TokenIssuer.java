package dev.countersign.common.token;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.bouncycastle.jce.interfaces.ECPrivateKey;
import org.bouncycastle.jce.spec.ECPublicKeySpec;
import org.jose4j.jca.ProviderContext;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

import dev.countersign.common.config.CountersignConfig;
import dev.countersign.common.crypto.EcdsaP256;

/**
 * Signs client tokens: ES256 JWTs (docs/protocol/wire.md#58-tokens), signed through BouncyCastle. Only challenge-service
 * holds the signing key; calling {@link #issue} anywhere else is a programming error.
 */
@Singleton
public class TokenIssuer {

    private final String issuer;
    private final Duration lifetime;
    private final Clock clock;
    private final Optional<PrivateKey> signingKey;
    private final Optional<String> keyId;
    private final ProviderContext providers = Jose.bouncyCastle();

    @Inject
    public TokenIssuer(CountersignConfig config, Clock clock) {
        this(config.tokens().issuer(), config.tokens().lifetime(),
                config.tokens().signingKey().map(TokenKeys::privateKey), clock);
    }

    public TokenIssuer(String issuer, Duration lifetime, Optional<PrivateKey> signingKey, Clock clock) {
        this.issuer = issuer;
        this.lifetime = lifetime;
        this.clock = clock;
        this.signingKey = signingKey;
        this.keyId = signingKey.map(TokenIssuer::publicKeyOf).map(TokenKeys::keyId);
    }

    /** A token of {@code type} for the action, valid for the configured lifetime from now. */
    public Issued issue(TokenType type, String tenantId, String userId, String actionCode, String idempotencyKey,
            Set<String> scopes, String username) {
        // JWT times are whole seconds; the claims handed back match the token exactly.
        Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        return sign(new TokenClaims(UUID.randomUUID().toString(), type, tenantId, userId, actionCode, idempotencyKey,
                scopes, now, now.plus(lifetime), username));
    }

    /** Signs exactly these claims (tests use it for tokens that are already expired). */
    public Issued sign(TokenClaims claims) {
        PrivateKey key = signingKey.orElseThrow(() -> new IllegalStateException(
                "countersign.tokens.signing-key is not configured in this service"));
        JwtClaims jwt = new JwtClaims();
        jwt.setIssuer(issuer);
        jwt.setJwtId(claims.id());
        jwt.setSubject(claims.userId());
        jwt.setAudience(claims.tenantId());
        jwt.setIssuedAt(NumericDate.fromSeconds(claims.issuedAt().getEpochSecond()));
        jwt.setExpirationTime(NumericDate.fromSeconds(claims.expiresAt().getEpochSecond()));
        jwt.setStringClaim("typ", claims.type().claim());
        jwt.setStringClaim("scope", String.join(" ", claims.scopes().stream().sorted().toList()));
        Map<String, Object> other = new LinkedHashMap<>();
        other.put("tenantId", claims.tenantId());
        other.put("userId", claims.userId());
        other.put("actionCode", claims.actionCode());
        other.put("idempotencyKey", claims.idempotencyKey());
        if (claims.username() != null) {
            other.put("username", claims.username());
        }
        jwt.setClaim("other", other);

        JsonWebSignature jws = new JsonWebSignature();
        jws.setProviderContext(providers);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        jws.setHeader("typ", "JWT");
        jws.setKeyIdHeaderValue(keyId.orElseThrow());
        jws.setKey(key);
        jws.setPayload(jwt.toJson());
        try {
            return new Issued(jws.getCompactSerialization(), claims);
        } catch (JoseException e) {
            throw new IllegalStateException("Cannot sign token", e);
        }
    }

    /** The public half of the signing key, so a service that signs can also verify without more config. */
    public Optional<PublicKey> publicKey() {
        return signingKey.map(TokenIssuer::publicKeyOf);
    }

    static PublicKey publicKeyOf(PrivateKey privateKey) {
        try {
            ECPrivateKey ec = (ECPrivateKey) KeyFactory.getInstance("EC", EcdsaP256.PROVIDER).translateKey(privateKey);
            return KeyFactory.getInstance("EC", EcdsaP256.PROVIDER).generatePublic(new ECPublicKeySpec(
                    ec.getParameters().getG().multiply(ec.getD()).normalize(), ec.getParameters()));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Signing key is not an EC key", e);
        }
    }

    /** A signed token and the claims in it. */
    public record Issued(String token, TokenClaims claims) {
    }
}
