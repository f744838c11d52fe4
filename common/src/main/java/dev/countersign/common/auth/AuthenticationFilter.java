package dev.countersign.common.auth;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.vertx.core.http.HttpServerRequest;

import dev.countersign.common.audit.AuthFailure;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.http.ClientAddresses;
import dev.countersign.common.http.Cors;
import dev.countersign.common.tenant.Tenant;
import dev.countersign.common.tenant.Tenants;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.common.token.TokenVerifier;
import dev.countersign.common.wire.BasicAuthorization;

/**
 * Our own authentication, not Quarkus' mechanisms: the tenant "Basic" is no user/password, and an
 * expired Bearer must answer {@code expired_token} in our JSON. Runs after routing, so an unknown
 * path is still 404; only methods marked {@link RequiresAuth} are checked.
 */
public class AuthenticationFilter {

    private static final String BEARER = "bearer ";

    private final Tenants tenants;
    private final TokenVerifier tokens;
    private final CurrentCaller current;
    private final ClientAddresses clientAddresses;

    public AuthenticationFilter(Tenants tenants, TokenVerifier tokens, CurrentCaller current,
            ClientAddresses clientAddresses) {
        this.clientAddresses = clientAddresses;
        this.tenants = tenants;
        this.tokens = tokens;
        this.current = current;
    }

    @ServerRequestFilter
    public void authenticate(ContainerRequestContext request, ResourceInfo resource, HttpServerRequest http) {
        RequiresAuth required = Optional.ofNullable(resource.getResourceMethod())
                .map(m -> m.getAnnotation(RequiresAuth.class))
                .or(() -> Optional.ofNullable(resource.getResourceClass()).map(c -> c.getAnnotation(RequiresAuth.class)))
                .orElse(null);
        if (required == null) {
            return;
        }
        Set<AuthScheme> allowed = Set.copyOf(Arrays.asList(required.value()));
        Caller caller = authenticate(request.getHeaderString(HttpHeaders.AUTHORIZATION), allowed);
        if (!Cors.allows(caller.tenant(), request.getHeaderString("Origin"), request.getHeaderString(HttpHeaders.HOST),
                clientAddresses.forwardedHost(http).orElse(null))) {
            throw ApiException.authentication(ErrorCode.ORIGIN_NOT_ALLOWED, AuthFailure.ORIGIN_NOT_ALLOWED, "Origin not allowed for this tenant");
        }
        current.set(caller);
    }

    Caller authenticate(String header, Set<AuthScheme> allowed) {
        if (header == null || header.isBlank()) {
            throw ApiException.authentication(ErrorCode.UNAUTHORIZED, AuthFailure.MISSING_AUTHORIZATION, "Authorization header is required");
        }
        if (header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            if (!allowed.contains(AuthScheme.BEARER)) {
                throw ApiException.authentication(ErrorCode.UNAUTHORIZED, AuthFailure.WRONG_SCHEME, "This call takes Basic authorization");
            }
            TokenClaims claims = tokens.verify(header.substring(BEARER.length()).strip());
            Tenant tenant = tenants.byId(claims.tenantId())
                    .orElseThrow(() -> ApiException.authentication(ErrorCode.UNAUTHORIZED, AuthFailure.BAD_TOKEN, "Invalid token"));
            return new Caller(tenant, AuthScheme.BEARER, Optional.of(claims));
        }
        if (!BasicAuthorization.isBasic(header)) {
            throw ApiException.authentication(ErrorCode.UNAUTHORIZED, AuthFailure.WRONG_SCHEME, "Unsupported authorization scheme");
        }
        String user = BasicAuthorization.userPart(header)
                .orElseThrow(() -> ApiException.authentication(ErrorCode.UNAUTHORIZED, AuthFailure.MALFORMED_AUTHORIZATION, "Malformed Basic authorization"));
        if (allowed.contains(AuthScheme.SERVER_SECRET)) {
            return tenants.bySecret(user)
                    .map(tenant -> new Caller(tenant, AuthScheme.SERVER_SECRET, Optional.empty()))
                    .orElseThrow(() -> ApiException.authentication(ErrorCode.UNAUTHORIZED, AuthFailure.BAD_SECRET_KEY, "Invalid secret key"));
        }
        if (!allowed.contains(AuthScheme.TENANT)) {
            throw ApiException.authentication(ErrorCode.UNAUTHORIZED, AuthFailure.WRONG_SCHEME, "This call takes a Bearer token");
        }
        return tenants.byId(user)
                .map(tenant -> new Caller(tenant, AuthScheme.TENANT, Optional.empty()))
                .orElseThrow(() -> ApiException.authentication(ErrorCode.UNAUTHORIZED, AuthFailure.UNKNOWN_TENANT, "Unknown tenant"));
    }
}
