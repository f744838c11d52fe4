package dev.countersign.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.countersign.common.token.TokenIssuer;
import dev.countersign.common.token.TokenType;
import dev.countersign.testkit.AuditLog;
import dev.countersign.testkit.TestTenants;
import dev.countersign.testkit.kiosk.KioskClientSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * notifier-service's audit records (docs/observability.md#audit-trail): each refused kiosk
 * handshake — unknown tenant, bad or wrong-kind token, foreign origin, the per-address socket cap —
 * with its reason and the client's address (loopback is a trusted proxy here, so the
 * {@code X-Forwarded-For} one), and never the token it was offered.
 */
@QuarkusTest
class KioskAuditTest {

    private static final int CAP = 20;

    @TestHTTPResource("/")
    URI root;

    @Inject
    TokenIssuer tokens;

    /** A documentation-range address of this test alone. */
    private static String freshAddress() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format("2001:db8:%x:%x::7", random.nextInt(1, 0x10000), random.nextInt(1, 0x10000));
    }

    @Test
    void refusedHandshakesAreAuditedWithTheirReasonAndAddressButNotTheirToken() {
        String address = freshAddress();
        Map<String, String> from = Map.of("X-Forwarded-For", address);
        String garbageToken = "garbage" + UUID.randomUUID().toString().replace("-", "");
        String accessToken = tokens.issue(TokenType.ACCESS, TestTenants.TENANT_ID, "user-" + UUID.randomUUID(), "signIn",
                UUID.randomUUID().toString(), Set.of(), null).token();
        List<String> tenant = List.of("authsignal-ws", "x.authsignal.tenant." + TestTenants.TENANT_ID);
        List<KioskClientSocket> open = new ArrayList<>();
        try (AuditLog audit = AuditLog.capture()) {
            int port = root.getPort();
            assertThat(KioskClientSocket.handshake(port, List.of("authsignal-ws", "x.authsignal.tenant.no-such-" + UUID.randomUUID()),
                    from, true)).isEqualTo(401);
            assertThat(KioskClientSocket.handshake(port, List.of("authsignal-ws", "x.authsignal.token." + garbageToken),
                    from, true)).isEqualTo(401);
            assertThat(KioskClientSocket.handshake(port, List.of("authsignal-ws", "x.authsignal.token." + accessToken),
                    from, true)).isEqualTo(401);
            assertThat(KioskClientSocket.handshake(port, tenant, Map.of("X-Forwarded-For", address,
                    "Origin", "https://evil.example"), true)).isEqualTo(403);
            for (int i = 0; i < CAP; i++) {
                open.add(KioskClientSocket.open(port, tenant, from));
            }
            assertThat(KioskClientSocket.handshake(port, tenant, from, true)).isEqualTo(429);

            List<AuditLog.Entry> ofAddress = audit.matching(e -> address.equals(e.field("clientAddress")));
            assertThat(ofAddress).extracting(AuditLog.Entry::event)
                    .containsExactly("auth.failed", "auth.failed", "auth.failed", "auth.failed", "limit.hit");
            assertThat(ofAddress).extracting(e -> e.field("reason"))
                    .containsExactly("unknown_tenant", "bad_token", "foreign_token", "origin_not_allowed", "address");
            assertThat(ofAddress).extracting(e -> e.field("request")).containsOnly("GET /ws-v1-challenge");
            assertThat(ofAddress.get(4).fields()).containsEntry("method", "kiosk-socket").containsEntry("outcome", "refused");
            assertThat(ofAddress.get(3).message())
                    .isEqualTo("event=auth.failed outcome=origin_not_allowed reason=origin_not_allowed request=\"GET /ws-v1-challenge\" clientAddress="
                            + address);
            assertThat(audit.mentioning(garbageToken)).isEmpty();
            assertThat(audit.mentioning(accessToken)).isEmpty();
        } finally {
            open.forEach(KioskClientSocket::close);
        }
    }
}
