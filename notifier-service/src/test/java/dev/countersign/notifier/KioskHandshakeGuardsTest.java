package dev.countersign.notifier;

import dev.countersign.testkit.kiosk.KioskClientSocket;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.countersign.common.token.Scopes;
import dev.countersign.common.token.TokenIssuer;
import dev.countersign.common.token.TokenType;
import dev.countersign.notifier.kiosk.SocketsPerAddress;
import dev.countersign.testkit.TestTenants;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.http.WebsocketVersion;

/**
 * The kiosk handshake's guards on a real server with a real WebSocket client: the per-address cap
 * on open sockets (429, released on close, IPv6 per /64) and the {@code Origin} check against
 * cross-site WebSocket hijacking (403 for a foreign origin; allowed origins, the notifier's own
 * origin and no {@code Origin} at all get 101). Test config: loopback is a trusted proxy, so the
 * client address comes from {@code X-Forwarded-For}; test-tenant allows {@code https://kiosk.example};
 * the cap is the default, 20.
 */
@QuarkusTest
class KioskHandshakeGuardsTest {

    private static final int CAP = 20;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final List<String> TENANT = List.of("authsignal-ws", "x.authsignal.tenant." + TestTenants.TENANT_ID);
    private static final List<String> OTHER_TENANT = List.of("authsignal-ws", "x.authsignal.tenant." + TestTenants.OTHER_TENANT_ID);

    @TestHTTPResource("/")
    URI root;

    @Inject
    SocketsPerAddress slots;

    @Inject
    TokenIssuer tokens;

    private int port() {
        return root.getPort();
    }

    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(1);

    /** A documentation-range address of its own per test, so tests never share a count. */
    private static String freshIpv4() {
        return "203.0.113." + NEXT_ADDRESS.getAndIncrement();
    }

    private KioskClientSocket openFrom(String forwardedFor) {
        return KioskClientSocket.open(port(), TENANT, Map.of("X-Forwarded-For", forwardedFor));
    }

    private int handshakeFrom(String forwardedFor) {
        return KioskClientSocket.handshake(port(), TENANT, Map.of("X-Forwarded-For", forwardedFor), true);
    }

    private static void closeAll(List<KioskClientSocket> sockets) {
        sockets.forEach(KioskClientSocket::close);
    }

    private void awaitHeld(String address, int expected) {
        Instant deadline = Instant.now().plus(WAIT);
        while (slots.held(address) != expected) {
            assertThat(Instant.now()).as("%s holds %d slots in time (holds %d)", address, expected, slots.held(address))
                    .isBefore(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void socketsBeyondTheCapPerAddressThenRefusedWith429OtherAddressesUnaffected() {
        String address = freshIpv4();
        List<KioskClientSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < CAP; i++) {
                open.add(openFrom(address));
            }
            assertThat(slots.held(address)).isEqualTo(CAP);

            assertThat(handshakeFrom(address)).isEqualTo(429);
            assertThat(handshakeFrom(address)).isEqualTo(429);
            assertThat(slots.held(address)).isEqualTo(CAP);
            // Another client behind the same trusted proxy has its own count.
            String other = freshIpv4();
            assertThat(handshakeFrom(other)).isEqualTo(101);
            // The sockets already open still work.
            assertThat(open.get(0).socket.isClosed()).isFalse();
        } finally {
            closeAll(open);
        }
    }

    @Test
    void loopbackClientsAreCountedAgainstTheCapWithoutTheLocalRunsExemption() {
        // countersign.exempt-loopback-peers is off here, as in any deployment but the local run.
        List<KioskClientSocket> open = new ArrayList<>();
        try {
            awaitHeld("127.0.0.1", 0);
            for (int i = 0; i < CAP; i++) {
                open.add(KioskClientSocket.open(port(), TENANT, Map.of()));
            }
            assertThat(slots.held("127.0.0.1")).isEqualTo(CAP);
            assertThat(KioskClientSocket.handshake(port(), TENANT, Map.of(), true)).isEqualTo(429);
            // A loopback address named by a trusted proxy is anyone's claim: counted as well.
            assertThat(handshakeFrom("127.0.0.1")).isEqualTo(429);
        } finally {
            closeAll(open);
        }
    }

    @Test
    void closingASocketReleasesItsSlot() {
        String address = freshIpv4();
        List<KioskClientSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < CAP; i++) {
                open.add(openFrom(address));
            }
            assertThat(handshakeFrom(address)).isEqualTo(429);

            open.remove(0).close();
            awaitHeld(address, CAP - 1);
            open.add(openFrom(address));
            assertThat(slots.held(address)).isEqualTo(CAP);
            assertThat(handshakeFrom(address)).isEqualTo(429);
        } finally {
            closeAll(open);
        }
        awaitHeld(address, 0);
    }

    /** The refusal's status, and its body in the error model with exactly this code and description. */
    private static void assertRefusal(KioskClientSocket.Refusal refusal, int status, String code, String description) {
        assertThat(refusal.status()).isEqualTo(status);
        assertThat(refusal.headers().get("Content-Type")).isEqualTo("application/json");
        assertThat(refusal.body()).isEqualTo("{\"error\":\"" + code + "\",\"errorCode\":\"" + code
                + "\",\"errorDescription\":\"" + description + "\"}");
    }

    @Test
    void everyHandshakeRefusalCarriesTheJsonErrorBody() {
        String address = freshIpv4();
        Map<String, String> from = Map.of("X-Forwarded-For", address);
        assertRefusal(KioskClientSocket.refused(port(), List.of(TENANT.get(1)), from, true),
                400, "invalid_request", "The offered subprotocols lack authsignal-ws");
        assertRefusal(KioskClientSocket.refused(port(), List.of("authsignal-ws", "x.authsignal.tenant.no-such-tenant"), from, true),
                401, "unauthorized", "Neither a known tenant nor a valid track token");
        assertRefusal(KioskClientSocket.refused(port(), List.of("authsignal-ws", "x.authsignal.token.not-a-jwt", TENANT.get(1)),
                from, true), 401, "unauthorized", "Neither a known tenant nor a valid track token");
        assertRefusal(KioskClientSocket.refused(port(), TENANT, Map.of("X-Forwarded-For", address, "Origin", "https://evil.example"),
                true), 403, "origin_not_allowed", "Origin not allowed for this tenant");
        assertThat(slots.held(address)).isZero();

        List<KioskClientSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < CAP; i++) {
                open.add(openFrom(address));
            }
            assertRefusal(KioskClientSocket.refused(port(), TENANT, from, true),
                    429, "too_many_requests", "Too many kiosk sockets from this address");
            assertThat(slots.held(address)).isEqualTo(CAP);
        } finally {
            closeAll(open);
        }
    }

    @Test
    void handshakeOfAnotherWebSocketVersionIsRefusedWith400JsonAndTakesNoSlot() {
        String address = freshIpv4();
        KioskClientSocket.Refusal refusal = KioskClientSocket.refused(port(), TENANT, Map.of("X-Forwarded-For", address),
                true, WebsocketVersion.V08);
        assertRefusal(refusal, 400, "invalid_request", "Not a WebSocket version 13 handshake");
        assertThat(refusal.headers().get("Sec-WebSocket-Version")).isEqualTo("13");
        assertThat(slots.held(address)).isZero();
    }

    @Test
    void refusedHandshakesTakeNoSlot() {
        String address = freshIpv4();
        Map<String, String> from = Map.of("X-Forwarded-For", address);
        assertThat(KioskClientSocket.handshake(port(), List.of("authsignal-ws"), from, true)).isEqualTo(401);
        assertThat(KioskClientSocket.handshake(port(), List.of(TENANT.get(1)), from, true)).isEqualTo(400);
        assertThat(KioskClientSocket.handshake(port(), TENANT,
                Map.of("X-Forwarded-For", address, "Origin", "https://evil.example"), true)).isEqualTo(403);
        assertThat(slots.held(address)).isZero();
    }

    @Test
    void ipv6ClientsCountPerSlash64() {
        String network = "2001:db8:6:1";
        List<KioskClientSocket> open = new ArrayList<>();
        try {
            for (int i = 1; i <= CAP; i++) {
                // Every socket from another address of the same /64.
                open.add(openFrom(network + "::" + Integer.toHexString(i)));
            }
            assertThat(slots.held(network + "::1")).isEqualTo(CAP);

            assertThat(handshakeFrom(network + ":1234:5678:9abc:def0")).isEqualTo(429);
            assertThat(handshakeFrom("[" + network + "::ffff]:4711")).isEqualTo(429);
            // The neighbouring /64 is someone else.
            assertThat(handshakeFrom("2001:db8:6:2::1")).isEqualTo(101);
        } finally {
            closeAll(open);
        }
    }

    @Test
    void foreignOriginThenRefusedWith403() {
        assertThat(KioskClientSocket.handshake(port(), TENANT, Map.of("Origin", "https://evil.example"), true)).isEqualTo(403);
        assertThat(KioskClientSocket.handshake(port(), TENANT, Map.of("Origin", "null"), true)).isEqualTo(403);
        // The notifier's host on another port is another origin.
        assertThat(KioskClientSocket.handshake(port(), TENANT, Map.of("Origin", "http://127.0.0.1:1"), true)).isEqualTo(403);
        // An origin allowed for test-tenant is foreign to other-tenant.
        assertThat(KioskClientSocket.handshake(port(), OTHER_TENANT, Map.of("Origin", "https://kiosk.example"), true)).isEqualTo(403);
    }

    @Test
    void tenantsAllowedOriginThenUpgraded() {
        assertThat(KioskClientSocket.handshake(port(), TENANT, Map.of("Origin", "https://kiosk.example"), true)).isEqualTo(101);
    }

    @Test
    void noOriginThenUpgradedAsNativeAppsAndServersConnect() {
        // Another Host, so that an Origin, had one been sent, could not pass as same-origin…
        Map<String, String> elsewhere = Map.of("Host", "kiosk.elsewhere.example");
        assertThat(KioskClientSocket.handshake(port(), TENANT, elsewhere, false)).isEqualTo(101);
        assertThat(KioskClientSocket.handshake(port(), OTHER_TENANT, elsewhere, false)).isEqualTo(101);
        // …as the control shows: the client's own Origin (http://127.0.0.1:<port>) is foreign to that Host.
        assertThat(KioskClientSocket.handshake(port(), OTHER_TENANT, elsewhere, true)).isEqualTo(403);
    }

    @Test
    void sameOriginAsTheNotifierThenUpgradedForEveryTenant() {
        // The kiosk page is served by the notifier itself: Origin equals the Host the browser used.
        String own = "http://127.0.0.1:" + port();
        assertThat(KioskClientSocket.handshake(port(), OTHER_TENANT, Map.of("Origin", own), true)).isEqualTo(101);
        // Behind the edge / an ingress: the host the browser addressed, from a trusted proxy.
        assertThat(KioskClientSocket.handshake(port(), OTHER_TENANT,
                Map.of("Origin", "https://kiosk.countersign.example", "X-Forwarded-Host", "kiosk.countersign.example"), true))
                .isEqualTo(101);
    }

    @Test
    void trackTokenSocketIsCheckedAgainstTheTokensTenant() {
        String otherTenantsToken = tokens.issue(TokenType.TRACK, TestTenants.OTHER_TENANT_ID, "user-" + UUID.randomUUID(),
                "kioskLogin", UUID.randomUUID().toString(), Set.of(Scopes.READ_AUTHENTICATORS), null).token();
        String token = tokens.issue(TokenType.TRACK, TestTenants.TENANT_ID, "user-" + UUID.randomUUID(),
                "kioskLogin", UUID.randomUUID().toString(), Set.of(Scopes.READ_AUTHENTICATORS), null).token();
        Map<String, String> kioskOrigin = Map.of("Origin", "https://kiosk.example");
        // The tenant id beside the token does not lend its origins to the token's tenant.
        assertThat(KioskClientSocket.handshake(port(), List.of("authsignal-ws", "x.authsignal.token." + otherTenantsToken,
                TENANT.get(1)), kioskOrigin, true)).isEqualTo(403);
        assertThat(KioskClientSocket.handshake(port(), List.of("authsignal-ws", "x.authsignal.token." + token), kioskOrigin, true))
                .isEqualTo(101);
    }
}
