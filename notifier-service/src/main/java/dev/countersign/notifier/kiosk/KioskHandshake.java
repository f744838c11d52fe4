package dev.countersign.notifier.kiosk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.countersign.common.audit.Audit;
import dev.countersign.common.audit.AuditEvent;
import dev.countersign.common.audit.AuthFailure;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.http.ClientAddresses;
import dev.countersign.common.http.Cors;
import dev.countersign.common.tenant.Tenant;
import dev.countersign.common.tenant.Tenants;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.common.token.TokenType;
import dev.countersign.common.token.TokenVerifier;
import io.smallrye.common.vertx.ContextLocals;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates a kiosk socket before the upgrade (docs/protocol/decisions.md#14-kiosk-websocket: refused at the handshake, no
 * upgrade). The browser SDK carries its credentials in {@code Sec-WebSocket-Protocol} (docs/protocol/wire.md#42-qr-over-the-kiosk-websocket):
 * {@code authsignal-ws} plus {@code x.authsignal.tenant.<id>} (a known tenant: anonymous challenges)
 * or {@code x.authsignal.token.<track token>} (challenges bound to the tracked user and action).
 * Not an RFC 6455 version 13 handshake, or without {@code authsignal-ws}, the answer is 400; without a
 * valid tenant or token, 401.
 *
 * <p>A browser lets any page open a WebSocket to any host, so a handshake with an {@code Origin}
 * must come from an allowed origin of the socket's tenant or from the notifier's own origin (the
 * kiosk page): 403 otherwise, against cross-site WebSocket hijacking. Without {@code Origin} (apps,
 * servers) there is no browser to protect. Last, the client address must have a socket slot left
 * on this replica ({@link SocketsPerAddress}): 429 otherwise.
 *
 * <p>A route of its own ahead of the WebSockets Next endpoint rather than an {@code HttpUpgradeCheck}:
 * a check can refuse with a status alone, while every refusal must carry the JSON error body. An
 * admitted handshake goes on to the endpoint with its {@link Admission} in the request's context,
 * where {@link KioskUpgradeCheck} hands it to the connection.
 */
@Singleton
public class KioskHandshake {

    public static final String SUBPROTOCOL = "authsignal-ws";
    static final String TENANT_PREFIX = "x.authsignal.tenant.";
    static final String TOKEN_PREFIX = "x.authsignal.token.";
    /** The request-context key of an admitted handshake's {@link Admission}. */
    static final String VERSION = "13";
    static final String ADMISSION = "countersign.kiosk.admission";

    private static final Logger LOG = Logger.getLogger(KioskHandshake.class);

    /** A handshake let through: who the socket acts for and its place in its address's count (if counted). */
    public record Admission(KioskClient client, Optional<SocketsPerAddress.Slot> slot) {
    }

    private final Tenants tenants;
    private final TokenVerifier tokens;
    private final ClientAddresses clientAddresses;
    private final SocketsPerAddress slots;

    public KioskHandshake(Tenants tenants, TokenVerifier tokens, ClientAddresses clientAddresses,
            SocketsPerAddress slots) {
        this.tenants = tenants;
        this.tokens = tokens;
        this.clientAddresses = clientAddresses;
        this.slots = slots;
    }

    void install(@Observes Router router) {
        // After the common guards (MIN_VALUE, MIN_VALUE + 1), before the endpoint's route (default order).
        router.route(KioskSocket.PATH).order(Integer.MIN_VALUE + 2).handler(this::guard);
    }

    private void guard(RoutingContext ctx) {
        // The endpoint's own test for a handshake: whatever it would try to upgrade is checked here first.
        if (!ctx.request().headers().contains("Sec-WebSocket-Key")) {
            ctx.next();
            return;
        }
        try {
            Admission admission = admit(ctx.request());
            ContextLocals.put(ADMISSION, admission);
            ctx.next();
        } catch (ApiException refused) {
            audit(refused, ctx.request());
            if (!VERSION.equals(ctx.request().getHeader("Sec-WebSocket-Version"))) {
                // RFC 6455 4.4: a refused version names the one the server speaks.
                ctx.response().putHeader("Sec-WebSocket-Version", VERSION);
            }
            ctx.response()
                    .setStatusCode(refused.code().status())
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(refused.body().toJson());
        }
    }

    /** A refused handshake's audit record: an authentication failure or a limit hit (docs/observability.md#audit-trail). */
    private void audit(ApiException refused, HttpServerRequest request) {
        int status = refused.code().status();
        Audit.Entry entry;
        if (status == 401 || status == 403) {
            entry = Audit.authFailed(refused);
        } else if (status == 429) {
            entry = Audit.event(AuditEvent.LIMIT_HIT).method("kiosk-socket").outcome("refused").reason("address");
        } else {
            return;
        }
        entry.request(request.method().name(), request.path()).clientOf(request).write();
    }

    /**
     * An RFC 6455 opening handshake: GET, {@code Upgrade: websocket}, {@code Connection: Upgrade},
     * version 13 and a key of 16 base64 bytes. Checked here, before any slot is reserved, so that
     * a handshake the upgrade itself would fail on is refused in the error model too and never counts.
     */
    static boolean wellFormed(HttpServerRequest request) {
        String connection = request.getHeader(HttpHeaders.CONNECTION);
        if (request.method() != HttpMethod.GET || !"websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))
                || connection == null || Arrays.stream(connection.split(",")).noneMatch(t -> t.strip().equalsIgnoreCase("upgrade"))
                || !VERSION.equals(request.getHeader("Sec-WebSocket-Version"))) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(request.getHeader("Sec-WebSocket-Key").strip()).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The handshake's admission, or the refusal as an {@link ApiException} (no slot is held then). */
    Admission admit(HttpServerRequest request) {
        if (!wellFormed(request)) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "Not a WebSocket version 13 handshake");
        }
        List<String> offered = offered(request.headers().getAll("Sec-WebSocket-Protocol"));
        if (!offered.contains(SUBPROTOCOL)) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "The offered subprotocols lack " + SUBPROTOCOL);
        }
        Tenant tenant = authenticate(offered);
        if (!originAllowed(tenant, request)) {
            LOG.debugf("Kiosk socket refused: origin %s not allowed for tenant %s", request.getHeader("Origin"), tenant.id());
            throw ApiException.authentication(ErrorCode.ORIGIN_NOT_ALLOWED, AuthFailure.ORIGIN_NOT_ALLOWED,
                    "Origin not allowed for this tenant");
        }
        // Uncounted: no address, or the local run's direct loopback peer (ClientAddresses.counted).
        Optional<String> counted = clientAddresses.counted(request);
        Optional<SocketsPerAddress.Slot> slot = counted.flatMap(slots::reserve);
        if (counted.isPresent() && slot.isEmpty()) {
            LOG.debugf("Kiosk socket refused: %s holds the most sockets allowed", counted.get());
            throw new ApiException(ErrorCode.TOO_MANY_REQUESTS, "Too many kiosk sockets from this address");
        }
        Optional<String> token = offered.stream().filter(p -> p.startsWith(TOKEN_PREFIX))
                .map(p -> p.substring(TOKEN_PREFIX.length())).findFirst();
        return new Admission(new KioskClient(tenant.id(), token, forwardedFor(request),
                Optional.ofNullable(request.getHeader("User-Agent"))), slot);
    }

    /**
     * No {@code Origin}, one of the tenant's {@code allowed-origins} (as for REST CORS), or the
     * notifier's own origin: {@code Origin}'s host[:port] equals {@code Host}, or the
     * {@code X-Forwarded-Host} a trusted proxy (the edge, an ingress) set for the host the browser
     * addressed. Anyone else's {@code X-Forwarded-Host} is ignored.
     */
    private boolean originAllowed(Tenant tenant, HttpServerRequest request) {
        String host = request.getHeader("Host");
        if (host == null && request.authority() != null) {
            host = request.authority().toString();
        }
        return Cors.allows(tenant, request.getHeader("Origin"), host, clientAddresses.forwardedHost(request).orElse(null));
    }

    /**
     * The tenant the socket acts for: the token's, when a token is offered (it must be a valid
     * track token of a known tenant — a bad token is not rescued by a tenant id beside it), else the
     * offered tenant id, when that tenant is known.
     */
    private Tenant authenticate(List<String> offered) {
        Optional<String> token = offered.stream().filter(p -> p.startsWith(TOKEN_PREFIX))
                .map(p -> p.substring(TOKEN_PREFIX.length())).findFirst();
        if (token.isPresent()) {
            TokenClaims claims;
            try {
                claims = tokens.verify(token.get());
            } catch (ApiException e) {
                LOG.debugf("Kiosk socket refused: %s", e.getMessage());
                throw unauthenticated(e.authFailure().orElse(AuthFailure.BAD_TOKEN));
            }
            if (claims.type() != TokenType.TRACK) {
                throw unauthenticated(AuthFailure.FOREIGN_TOKEN);
            }
            return tenants.byId(claims.tenantId()).orElseThrow(() -> unauthenticated(AuthFailure.BAD_TOKEN));
        }
        return offered.stream().filter(p -> p.startsWith(TENANT_PREFIX))
                .map(p -> p.substring(TENANT_PREFIX.length())).findFirst()
                .flatMap(tenants::byId)
                .orElseThrow(() -> unauthenticated(AuthFailure.UNKNOWN_TENANT));
    }

    /** One answer for every failed check (the reason goes to the audit record only). */
    private static ApiException unauthenticated(AuthFailure reason) {
        return ApiException.authentication(ErrorCode.UNAUTHORIZED, reason, "Neither a known tenant nor a valid track token");
    }

    /** Every offered subprotocol, from every header line (comma-separated tokens). */
    static List<String> offered(List<String> headerLines) {
        List<String> offered = new ArrayList<>();
        if (headerLines != null) {
            for (String line : headerLines) {
                for (String value : line.split(",")) {
                    if (!value.isBlank()) {
                        offered.add(value.trim());
                    }
                }
            }
        }
        return offered;
    }

    /**
     * The socket's {@code X-Forwarded-For} with the peer appended, as a proxy passes it on:
     * challenge-service trusts the notifier and applies its own trusted-proxy rule to the rest.
     */
    private static String forwardedFor(HttpServerRequest request) {
        List<String> lines = request.headers().getAll("X-Forwarded-For");
        String peer = ClientAddresses.peerOf(request);
        List<String> hops = new ArrayList<>();
        if (lines != null) {
            lines.stream().filter(line -> !line.isBlank()).map(String::trim).forEach(hops::add);
        }
        if (peer != null) {
            hops.add(peer);
        }
        return String.join(", ", hops);
    }
}
