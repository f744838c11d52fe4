package dev.countersign.common.http;

import java.util.List;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.tenant.Tenant;
import dev.countersign.common.tenant.Tenants;

/**
 * CORS for the browser SDK, answered by the services themselves so it is the same in every
 * environment (docs/protocol/decisions.md#20-cors). A preflight carries no credentials, so it is allowed for the union of all
 * tenants' {@code allowed-origins}; the real request is then checked against its own tenant's list
 * once the caller is known ({@link #allows}).
 */
@Singleton
public class Cors {

    private static final String ALLOWED_HEADERS = "Authorization, Content-Type, X-Authsignal-Signature, "
            + "X-Authsignal-SDK, X-Authsignal-Version, X-Authsignal-Tenant-ID, X-Authsignal-Native-SDK, "
            + "X-Authsignal-Native-Version";
    private static final String ALLOWED_METHODS = "GET, POST, PATCH, DELETE";

    private final List<String> anyTenantOrigins;
    private final ClientAddresses clientAddresses;

    public Cors(Tenants tenants, ClientAddresses clientAddresses) {
        this.clientAddresses = clientAddresses;
        this.anyTenantOrigins = tenants.all().stream()
                .flatMap(t -> t.allowedOrigins().stream())
                .distinct()
                .toList();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(this::handle);
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin == null || isSameOrigin(request, origin)) {
            ctx.next();
            return;
        }
        boolean known = AllowedOrigins.allows(anyTenantOrigins, origin);
        boolean preflight = request.method() == HttpMethod.OPTIONS
                && request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) != null;
        ctx.response().putHeader(HttpHeaders.VARY, "Origin");
        if (preflight) {
            if (!known) {
                ctx.response().setStatusCode(403).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(ErrorCode.ORIGIN_NOT_ALLOWED.body("Origin not allowed").toJson());
                return;
            }
            ctx.response().setStatusCode(200)
                    .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                    .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS)
                    .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS)
                    .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "600")
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end("{}");
            return;
        }
        if (known) {
            ctx.response().putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        }
        ctx.next();
    }

    /**
     * Whether a cross-origin request may act for {@code tenant}. Same-origin requests (a page
     * served by the deployment itself) and requests without {@code Origin} (servers, apps) are not
     * cross-origin. {@code forwardedHost} must come from {@link ClientAddresses#forwardedHost}
     * (trusted proxies only), never from the request's header directly.
     */
    public static boolean allows(Tenant tenant, String origin, String host, String forwardedHost) {
        if (origin == null || sameHost(origin, host) || sameHost(origin, forwardedHost)) {
            return true;
        }
        return tenant.allowsOrigin(origin);
    }

    private boolean isSameOrigin(HttpServerRequest request, String origin) {
        return sameHost(origin, request.getHeader(HttpHeaders.HOST))
                || sameHost(origin, clientAddresses.forwardedHost(request).orElse(null));
    }

    private static boolean sameHost(String origin, String host) {
        if (host == null) {
            return false;
        }
        int scheme = origin.indexOf("://");
        return scheme > 0 && origin.substring(scheme + 3).equalsIgnoreCase(host);
    }
}
