package dev.countersign.notifier.kiosk;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.countersign.common.error.ApiException;
import dev.countersign.common.http.ClientAddresses;
import dev.countersign.common.http.Cors;
import dev.countersign.common.tenant.Tenant;
import dev.countersign.common.tenant.Tenants;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.common.token.TokenType;
import dev.countersign.common.token.TokenVerifier;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * Authenticates a kiosk socket before the upgrade (docs/protocol/decisions.md#14-kiosk-websocket: refused at the handshake, no
 * upgrade). The browser SDK carries its credentials in {@code Sec-WebSocket-Protocol} (docs/protocol/wire.md#42-qr-over-the-kiosk-websocket):
 * {@code authsignal-ws} plus {@code x.authsignal.tenant.<id>} (a known tenant: anonymous challenges)
 * or {@code x.authsignal.token.<track token>} (challenges bound to the tracked user and action).
 * Without {@code authsignal-ws} the answer is 400; without a valid tenant or token, 401.
 *
 * <p>A browser lets any page open a WebSocket to any host, so a handshake with an {@code Origin}
 * must come from an allowed origin of the socket's tenant or from the notifier's own origin (the
 * kiosk page): 403 otherwise, against cross-site WebSocket hijacking. Without {@code Origin} (apps,
 * servers) there is no browser to protect. Last, the client address must have a socket slot left
 * on this replica ({@link SocketsPerAddress}): 429 otherwise. A refusal carries no body — Quarkus
 * ends a refused upgrade with the status alone.
 */
@ApplicationScoped
public class KioskUpgradeCheck implements HttpUpgradeCheck {

    public static final String SUBPROTOCOL = "authsignal-ws";
    static final String TENANT_PREFIX = "x.authsignal.tenant.";
    static final String TOKEN_PREFIX = "x.authsignal.token.";
    /** Where the check leaves the proven identity; the connection's user data starts with it. */
    public static final UserData.TypedKey<KioskClient> CLIENT = new UserData.TypedKey<>("countersign.kiosk.client");
    /** The socket's place in its client address's count; released when the socket closes. */
    public static final UserData.TypedKey<SocketsPerAddress.Slot> SLOT = new UserData.TypedKey<>("countersign.kiosk.slot");

    private static final Logger LOG = Logger.getLogger(KioskUpgradeCheck.class);

    private final Tenants tenants;
    private final TokenVerifier tokens;
    private final ClientAddresses clientAddresses;
    private final SocketsPerAddress slots;

    public KioskUpgradeCheck(Tenants tenants, TokenVerifier tokens, ClientAddresses clientAddresses,
            SocketsPerAddress slots) {
        this.tenants = tenants;
        this.tokens = tokens;
        this.clientAddresses = clientAddresses;
        this.slots = slots;
    }

    @Override
    public boolean appliesTo(String endpointId) {
        return endpointId.equals(KioskSocket.class.getName());
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        HttpServerRequest request = context.httpRequest();
        List<String> offered = offered(request.headers().getAll("Sec-WebSocket-Protocol"));
        if (!offered.contains(SUBPROTOCOL)) {
            return CheckResult.rejectUpgrade(400);
        }
        Optional<Tenant> tenant = authenticate(offered).flatMap(tenants::byId);
        if (tenant.isEmpty()) {
            return CheckResult.rejectUpgrade(401);
        }
        if (!originAllowed(tenant.get(), request)) {
            LOG.debugf("Kiosk socket refused: origin %s not allowed for tenant %s", request.getHeader("Origin"), tenant.get().id());
            return CheckResult.rejectUpgrade(403);
        }
        // Uncounted: no address, or the local run's direct loopback peer (ClientAddresses.counted).
        Optional<String> counted = clientAddresses.counted(request);
        Optional<SocketsPerAddress.Slot> slot = counted.flatMap(slots::reserve);
        if (counted.isPresent() && slot.isEmpty()) {
            LOG.debugf("Kiosk socket refused: %s holds the most sockets allowed", counted.get());
            return CheckResult.rejectUpgrade(429);
        }
        Optional<String> token = offered.stream().filter(p -> p.startsWith(TOKEN_PREFIX))
                .map(p -> p.substring(TOKEN_PREFIX.length())).findFirst();
        context.userData().put(CLIENT, new KioskClient(tenant.get().id(), token, forwardedFor(request),
                Optional.ofNullable(request.getHeader("User-Agent"))));
        slot.ifPresent(held -> context.userData().put(SLOT, held));
        return CheckResult.permitUpgrade();
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
    private Optional<String> authenticate(List<String> offered) {
        Optional<String> token = offered.stream().filter(p -> p.startsWith(TOKEN_PREFIX))
                .map(p -> p.substring(TOKEN_PREFIX.length())).findFirst();
        if (token.isPresent()) {
            try {
                TokenClaims claims = tokens.verify(token.get());
                if (claims.type() != TokenType.TRACK) {
                    return Optional.empty();
                }
                return tenants.byId(claims.tenantId()).map(tenant -> claims.tenantId());
            } catch (ApiException e) {
                LOG.debugf("Kiosk socket refused: %s", e.getMessage());
                return Optional.empty();
            }
        }
        return offered.stream().filter(p -> p.startsWith(TENANT_PREFIX))
                .map(p -> p.substring(TENANT_PREFIX.length())).findFirst()
                .filter(id -> tenants.byId(id).isPresent());
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
        String peer = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
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
