package dev.countersign.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.countersign.testkit.TestTenants;
import dev.countersign.testkit.kiosk.KioskClientSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The kiosk handshake believes {@code X-Forwarded-Host} only from a trusted proxy: here the
 * loopback (where the test client connects from) is not one, so the client is a direct client.
 */
@QuarkusTest
@TestProfile(KioskForwardedHostTest.LoopbackUntrusted.class)
class KioskForwardedHostTest {

    public static class LoopbackUntrusted implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("countersign.trusted-proxies", "10.0.0.0/8");
        }
    }

    private static final List<String> OTHER_TENANT = List.of("authsignal-ws", "x.authsignal.tenant." + TestTenants.OTHER_TENANT_ID);

    @TestHTTPResource("/")
    URI root;

    @Test
    void directClientsForwardedHostDoesNotMakeAForeignOriginTheNotifiersOwn() {
        assertThat(KioskClientSocket.handshake(root.getPort(), OTHER_TENANT,
                Map.of("Origin", "https://evil.example", "X-Forwarded-Host", "evil.example"), true)).isEqualTo(403);
    }

    @Test
    void directClientsOwnHostStillMakesTheKioskPageSameOrigin() {
        assertThat(KioskClientSocket.handshake(root.getPort(), OTHER_TENANT,
                Map.of("Origin", "http://127.0.0.1:" + root.getPort()), true)).isEqualTo(101);
    }
}
