package dev.countersign.common.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.Provider;
import java.security.Security;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.countersign.common.crypto.EcdsaP256;
import dev.countersign.common.crypto.TestKeys;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;

class TokensTest {

    private static final Instant NOW = Instant.parse("2026-11-30T01:02:03.456Z");

    private final KeyPair keys = TestKeys.p256();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final TokenIssuer issuer = new TokenIssuer("countersign", Duration.ofMinutes(10), Optional.of(keys.getPrivate()), clock);
    private final TokenVerifier verifier = new TokenVerifier("countersign", List.of(keys.getPublic()), clock);

    @Test
    void issuedTokenCarriesTheClaimsOfTheWireReference() {
        TokenIssuer.Issued issued = issuer.issue(TokenType.TRACK, "tenant-1", "user-1", "signIn", "idem-1",
                Set.of(Scopes.ADD_AUTHENTICATORS), null);

        String[] parts = issued.token().split("\\.");
        assertThat(parts).hasSize(3);
        String header = new String(Base64.getUrlDecoder().decode(parts[0]));
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header).contains("\"alg\":\"ES256\"").contains("\"typ\":\"JWT\"").contains("\"kid\":");
        assertThat(payload).contains("\"sub\":\"user-1\"", "\"aud\":\"tenant-1\"", "\"typ\":\"track\"",
                "\"scope\":\"add:authenticators\"", "\"idempotencyKey\":\"idem-1\"", "\"actionCode\":\"signIn\"",
                "\"tenantId\":\"tenant-1\"");
        // ES256 in JWS is the 64-byte r||s form, not DER.
        assertThat(Base64.getUrlDecoder().decode(parts[2])).hasSize(64);

        TokenClaims claims = verifier.verify(issued.token());
        assertThat(claims).isEqualTo(issued.claims());
        assertThat(claims.expiresAt()).isEqualTo(NOW.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(600));
    }

    @Test
    void verifyWhenExpiredThenExpiredToken() {
        String token = issuer.sign(new TokenClaims("id-1", TokenType.TRACK, "t", "u", "a", "k", Set.of(),
                NOW.minusSeconds(700), NOW.minusSeconds(1), null)).token();

        assertThatThrownBy(() -> verifier.verify(token))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXPIRED_TOKEN));
    }

    @Test
    void verifyWhenSignedByAnotherKeyThenUnauthorized() {
        TokenIssuer stranger = new TokenIssuer("countersign", Duration.ofMinutes(10), Optional.of(TestKeys.p256().getPrivate()), clock);
        String token = stranger.issue(TokenType.TRACK, "t", "u", "a", "k", Set.of(), null).token();

        assertThatThrownBy(() -> verifier.verify(token))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
    }

    @Test
    void verifyWhenPayloadAlteredThenUnauthorized() {
        String[] parts = issuer.issue(TokenType.ACCESS, "t", "u", "a", "k", Set.of(), null).token().split("\\.");
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1])).replace("\"access\"", "\"track\"").getBytes());

        assertThatThrownBy(() -> verifier.verify(parts[0] + "." + forged + "." + parts[2]))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
    }

    @Test
    void verifyWhenUnsignedOrGarbageThenUnauthorized() {
        String[] parts = issuer.issue(TokenType.TRACK, "t", "u", "a", "k", Set.of(), null).token().split("\\.");
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes());

        for (String token : List.of(none + "." + parts[1] + ".", "not-a-token", "", "a.b.c")) {
            assertThatThrownBy(() -> verifier.verify(token))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
        }
    }

    @Test
    void verifiedTokenUsedAgainAfterItsExpiryThenExpiredToken() {
        MovableClock moving = new MovableClock(NOW);
        TokenIssuer shortLived = new TokenIssuer("countersign", Duration.ofSeconds(30), Optional.of(keys.getPrivate()), moving);
        TokenVerifier remembering = new TokenVerifier("countersign", List.of(keys.getPublic()), moving);
        String token = shortLived.issue(TokenType.TRACK, "t", "u", "a", "k", Set.of(), null).token();

        assertThat(remembering.verify(token).idempotencyKey()).isEqualTo("k");
        assertThat(remembering.verify(token).idempotencyKey()).isEqualTo("k");
        moving.now = NOW.plusSeconds(31);

        assertThatThrownBy(() -> remembering.verify(token))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXPIRED_TOKEN));
    }

    @Test
    void verifiedTokenThenAnAlteredCopyIsStillRefused() {
        String token = issuer.issue(TokenType.ACCESS, "t", "u", "a", "k", Set.of(), null).token();
        assertThat(verifier.verify(token).type()).isEqualTo(TokenType.ACCESS);
        String[] parts = token.split("\\.");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[10] ^= 1;
        String forgedSignature = parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        String forgedPayload = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1])).replace("\"u\"", "\"v\"").getBytes()) + "." + parts[2];

        for (String forged : List.of(forgedSignature, forgedPayload, token + "x")) {
            assertThatThrownBy(() -> verifier.verify(forged))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
        }
        assertThat(verifier.verify(token).userId()).isEqualTo("u");
    }

    /** A clock a test moves by hand. */
    private static final class MovableClock extends Clock {
        Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void verifierAcceptsEveryConfiguredKeyDuringRotation() {
        KeyPair next = TestKeys.p256();
        TokenIssuer nextIssuer = new TokenIssuer("countersign", Duration.ofMinutes(10), Optional.of(next.getPrivate()), clock);
        TokenVerifier both = new TokenVerifier("countersign", List.of(keys.getPublic(), next.getPublic()), clock);

        assertThat(both.verify(issuer.issue(TokenType.TRACK, "t", "u", "a", "k1", Set.of(), null).token()).idempotencyKey())
                .isEqualTo("k1");
        assertThat(both.verify(nextIssuer.issue(TokenType.TRACK, "t", "u", "a", "k2", Set.of(), null).token()).idempotencyKey())
                .isEqualTo("k2");
    }

    /**
     * With the JDK's EC provider removed, signing and verifying still work: the tokens go through
     * BouncyCastle, named explicitly, not through whatever provider comes first.
     */
    @Test
    void signsAndVerifiesThroughBouncyCastleNotTheJdkProvider() {
        Provider sunEc = Security.getProvider("SunEC");
        int position = List.of(Security.getProviders()).indexOf(sunEc) + 1;
        Security.removeProvider("SunEC");
        try {
            TokenIssuer.Issued issued = issuer.issue(TokenType.TRACK, "t", "u", "a", "k", Set.of(), null);
            assertThat(verifier.verify(issued.token()).id()).isEqualTo(issued.claims().id());
        } finally {
            Security.insertProviderAt(sunEc, position);
        }
        assertThat(Jose.PROVIDER_NAME).isEqualTo(EcdsaP256.PROVIDER.getName()).isEqualTo("BC");
        assertThat(Jose.bouncyCastle().getSuppliedKeyProviderContext().getSignatureProvider()).isEqualTo("BC");
    }

    @Test
    void scopesDefaultToReadAndDropUnknownNames() {
        assertThat(Scopes.parse(null)).containsExactly(Scopes.READ_AUTHENTICATORS);
        assertThat(Scopes.parse("add:authenticators  remove:authenticators admin"))
                .containsExactlyInAnyOrder(Scopes.ADD_AUTHENTICATORS, Scopes.REMOVE_AUTHENTICATORS);
    }

}
