package dev.countersign.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.countersign.common.crypto.TestKeys;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.tenant.Tenant;
import dev.countersign.common.crypto.Sha256;
import dev.countersign.common.tenant.Tenants;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.common.token.TokenIssuer;
import dev.countersign.common.token.TokenType;
import dev.countersign.common.token.TokenVerifier;

class AuthenticationFilterTest {

    private static final Set<AuthScheme> DEVICE = Set.of(AuthScheme.TENANT);
    private static final Set<AuthScheme> ENROL = Set.of(AuthScheme.BEARER);
    private static final Set<AuthScheme> SERVER = Set.of(AuthScheme.SERVER_SECRET);

    private final Clock clock = Clock.systemUTC();
    private final KeyPair keys = TestKeys.p256();
    private final TokenIssuer issuer = new TokenIssuer("countersign", Duration.ofMinutes(10), Optional.of(keys.getPrivate()), clock);
    private final AuthenticationFilter filter = new AuthenticationFilter(
            new Tenants(List.of(new Tenant("tenant-123", Sha256.digest("sk_secret"), List.of(), Map.of()))),
            new TokenVerifier("countersign", List.of(keys.getPublic()), clock), new CurrentCaller(),
            new dev.countersign.common.http.ClientAddresses(List.of(), false));

    @Test
    void tenantBasicInEveryClientEncoding() {
        for (String header : List.of("Basic dGVuYW50LTEyMzo=", "Basic dGVuYW50LTEyMzo", "Basic dGVuYW50LTEyMw==",
                "basic dGVuYW50LTEyMw")) {
            Caller caller = filter.authenticate(header, DEVICE);
            assertThat(caller.tenantId()).as(header).isEqualTo("tenant-123");
            assertThat(caller.scheme()).isEqualTo(AuthScheme.TENANT);
        }
    }

    @Test
    void tenantBasicWhenUnknownTenantOrGarbageThenUnauthorized() {
        for (String header : List.of(basic("tenant-999:"), "Basic !!!", "Basic ", "Digest abc", "", "Bearer x")) {
            assertRefused(() -> filter.authenticate(header, DEVICE), ErrorCode.UNAUTHORIZED);
        }
        assertRefused(() -> filter.authenticate(null, DEVICE), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void serverSecretFindsTenantAndTenantIdIsNoSecret() {
        assertThat(filter.authenticate(basic("sk_secret:"), SERVER).tenantId()).isEqualTo("tenant-123");
        assertRefused(() -> filter.authenticate(basic("tenant-123:"), SERVER), ErrorCode.UNAUTHORIZED);
        assertRefused(() -> filter.authenticate(basic("sk_wrong:"), SERVER), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void bearerGivesTheTokenAndItsTenant() {
        String token = issuer.issue(TokenType.TRACK, "tenant-123", "user-1", "enrol", "k", Set.of(), null).token();

        Caller caller = filter.authenticate("Bearer " + token, ENROL);

        assertThat(caller.tenantId()).isEqualTo("tenant-123");
        assertThat(caller.trackToken().userId()).isEqualTo("user-1");
    }

    @Test
    void bearerWhenExpiredThenExpiredToken() {
        Instant past = Instant.now().minusSeconds(3600);
        String token = issuer.sign(new TokenClaims("j", TokenType.TRACK, "tenant-123", "u", "a", "k", Set.of(),
                past, past.plusSeconds(600), null)).token();

        assertRefused(() -> filter.authenticate("Bearer " + token, ENROL), ErrorCode.EXPIRED_TOKEN);
    }

    @Test
    void bearerWhenTenantUnknownThenUnauthorized() {
        String token = issuer.issue(TokenType.TRACK, "gone-tenant", "u", "a", "k", Set.of(), null).token();

        assertRefused(() -> filter.authenticate("Bearer " + token, ENROL), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void accessTokenWhereTrackTokenNeededThenInsufficientScope() {
        String token = issuer.issue(TokenType.ACCESS, "tenant-123", "u", "a", "k", Set.of(), null).token();

        Caller caller = filter.authenticate("Bearer " + token, ENROL);

        assertRefused(caller::trackToken, ErrorCode.INSUFFICIENT_SCOPE);
    }

    @Test
    void schemeNotAllowedForTheCallThenUnauthorized() {
        String token = issuer.issue(TokenType.TRACK, "tenant-123", "u", "a", "k", Set.of(), null).token();

        assertRefused(() -> filter.authenticate("Bearer " + token, DEVICE), ErrorCode.UNAUTHORIZED);
        assertRefused(() -> filter.authenticate(basic("tenant-123:"), ENROL), ErrorCode.UNAUTHORIZED);
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    private static String basic(String text) {
        return "Basic " + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

}
