package dev.countersign.notifier.websocket;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.countersign.common.error.ApiException;
import dev.countersign.common.tenant.Tenants;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.common.token.TokenType;
import dev.countersign.common.token.TokenVerifier;
import dev.countersign.notifier.kiosk.KioskClient;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * Authenticates a kiosk socket before the upgrade (decisions §14: refused at the handshake, no
 * upgrade). The browser SDK carries its credentials in {@code Sec-WebSocket-Protocol} (wire §4.2):
 * {@code authsignal-ws} plus {@code x.authsignal.tenant.<id>} (a known tenant: anonymous challenges)
 * or {@code x.authsignal.token.<track token>} (challenges bound to the tracked user and action).
 * Without {@code authsignal-ws} the answer is 400; without a valid tenant or token, 401.
 */
@ApplicationScoped
public class KioskUpgradeCheck implements HttpUpgradeCheck {

    public static final String SUBPROTOCOL = "authsignal-ws";
    static final String TENANT_PREFIX = "x.authsignal.tenant.";
    static final String TOKEN_PREFIX = "x.authsignal.token.";
    /** Where the check leaves the proven identity; the connection's user data starts with it. */
    public static final UserData.TypedKey<KioskClient> CLIENT = new UserData.TypedKey<>("countersign.kiosk.client");

    private static final Logger LOG = Logger.getLogger(KioskUpgradeCheck.class);

    private final Tenants tenants;
    private final TokenVerifier tokens;

    public KioskUpgradeCheck(Tenants tenants, TokenVerifier tokens) {
        this.tenants = tenants;
        this.tokens = tokens;
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
        Optional<String> tenantId = authenticate(offered);
        if (tenantId.isEmpty()) {
            return CheckResult.rejectUpgrade(401);
        }
        Optional<String> token = offered.stream().filter(p -> p.startsWith(TOKEN_PREFIX))
                .map(p -> p.substring(TOKEN_PREFIX.length())).findFirst();
        context.userData().put(CLIENT, new KioskClient(tenantId.get(), token, forwardedFor(request),
                Optional.ofNullable(request.getHeader("User-Agent"))));
        return CheckResult.permitUpgrade();
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
