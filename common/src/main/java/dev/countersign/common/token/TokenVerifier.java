package dev.countersign.common.token;

import java.nio.ByteBuffer;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jose4j.jca.ProviderContext;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.lang.UnresolvableKeyException;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.countersign.common.audit.AuthFailure;
import dev.countersign.common.config.CountersignConfig;
import dev.countersign.common.crypto.Sha256;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;

/**
 * Checks client tokens against the configured public keys (several during a key rotation, picked
 * by {@code kid}), through BouncyCastle, at the injected clock's time. An expired token is
 * {@code expired_token} (the browser SDK reacts to it); anything else wrong is {@code unauthorized}.
 *
 * <p>A token is used several times (initiation and every poll of the browser, a challenge and its
 * verify): the claims of tokens verified here are kept, bounded, under the token's SHA-256, so the
 * next use of the very same token skips the signature verify (about 90 µs of a core) while its
 * expiry is still checked at every use. Only a fully verified token enters; any other string,
 * however close, misses and is verified from scratch. The digest, not the token, is the key, so
 * comparing keys reveals nothing about a cached bearer token.
 */
@Singleton
public class TokenVerifier {

    /** How many verified tokens are kept (about 0.5 KB each). */
    static final int VERIFIED_TOKENS_KEPT = 20_000;

    private final String issuer;
    private final Clock clock;
    private final Map<String, PublicKey> keysById;
    private final ProviderContext providers = Jose.bouncyCastle();
    /** Claims of tokens verified here, by the token's SHA-256; bounded, and gone an hour after entry at the latest. */
    private final Cache<ByteBuffer, TokenClaims> verified;

    @Inject
    public TokenVerifier(CountersignConfig config, TokenIssuer issuer, Clock clock) {
        this(config.tokens().issuer(), keys(config, issuer), clock);
    }

    public TokenVerifier(String issuer, List<PublicKey> publicKeys, Clock clock) {
        this(issuer, publicKeys, clock, VERIFIED_TOKENS_KEPT);
    }

    /** Keeping at most {@code verifiedTokensKept} verified tokens; 0: every use is verified in full. */
    public TokenVerifier(String issuer, List<PublicKey> publicKeys, Clock clock, int verifiedTokensKept) {
        this.issuer = issuer;
        this.clock = clock;
        this.verified = Caffeine.newBuilder()
                .maximumSize(verifiedTokensKept)
                .expireAfterWrite(Duration.ofHours(1))
                .build();
        Map<String, PublicKey> byId = new LinkedHashMap<>();
        publicKeys.forEach(key -> byId.put(TokenKeys.keyId(key), key));
        this.keysById = Map.copyOf(byId);
    }

    private static List<PublicKey> keys(CountersignConfig config, TokenIssuer issuer) {
        List<PublicKey> keys = new ArrayList<>();
        config.tokens().publicKeys().orElse(List.of()).stream().map(TokenKeys::publicKey).forEach(keys::add);
        issuer.publicKey().ifPresent(keys::add);
        return keys;
    }

    /** The claims of a valid, unexpired token; otherwise an {@link ApiException}. */
    public TokenClaims verify(String token) {
        ByteBuffer key = ByteBuffer.wrap(Sha256.digest(token));
        TokenClaims known = verified.getIfPresent(key);
        if (known != null && clock.millis() < known.expiresAt().toEpochMilli()) {
            return known;
        }
        TokenClaims claims = verifySignatureAndClaims(token);
        verified.put(key, claims);
        return claims;
    }

    private TokenClaims verifySignatureAndClaims(String token) {
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setJwsProviderContext(providers)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
                .setVerificationKeyResolver((jws, nesting) -> {
                    PublicKey key = keysById.get(jws.getKeyIdHeaderValue());
                    if (key == null) {
                        throw new UnresolvableKeyException("Unknown key id");
                    }
                    return key;
                })
                .setExpectedIssuer(issuer)
                .setSkipDefaultAudienceValidation()
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setRequireJwtId()
                .setEvaluationTime(NumericDate.fromMilliseconds(clock.millis()))
                .setAllowedClockSkewInSeconds(0)
                .build();
        try {
            return claims(consumer.processToClaims(token));
        } catch (InvalidJwtException e) {
            if (e.hasExpired()) {
                throw ApiException.authentication(ErrorCode.EXPIRED_TOKEN, AuthFailure.EXPIRED_TOKEN, "The token has expired");
            }
            throw ApiException.authentication(ErrorCode.UNAUTHORIZED, AuthFailure.BAD_TOKEN, "Invalid token");
        } catch (MalformedClaimException | IllegalArgumentException | ClassCastException e) {
            throw ApiException.authentication(ErrorCode.UNAUTHORIZED, AuthFailure.BAD_TOKEN, "Invalid token");
        }
    }

    @SuppressWarnings("unchecked")
    private static TokenClaims claims(JwtClaims jwt) throws MalformedClaimException {
        Map<String, Object> other = jwt.getClaimValue("other", Map.class);
        if (other == null || jwt.getAudience().size() != 1) {
            throw new IllegalArgumentException("Missing claims");
        }
        String scope = jwt.getStringClaimValue("scope");
        return new TokenClaims(
                jwt.getJwtId(),
                TokenType.fromClaim(jwt.getStringClaimValue("typ")),
                jwt.getAudience().get(0),
                jwt.getSubject(),
                (String) other.get("actionCode"),
                (String) other.get("idempotencyKey"),
                scope == null || scope.isBlank() ? Set.of() : Set.of(scope.split(" ")),
                java.time.Instant.ofEpochMilli(jwt.getIssuedAt().getValueInMillis()),
                java.time.Instant.ofEpochMilli(jwt.getExpirationTime().getValueInMillis()),
                (String) other.get("username"));
    }
}
