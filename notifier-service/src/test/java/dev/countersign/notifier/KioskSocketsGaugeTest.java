package dev.countersign.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.countersign.testkit.Metrics;
import dev.countersign.testkit.TestTenants;
import dev.countersign.testkit.kiosk.KioskClientSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The open kiosk WebSockets as a gauge on the management port (docs/observability.md). */
@QuarkusTest
class KioskSocketsGaugeTest {

    private static final String GAUGE = "countersign_kiosk_sockets_open";

    @TestHTTPResource("/")
    URI root;

    @Test
    void anOpenKioskSocketIsCountedUntilItCloses() {
        double before = Metrics.scrape().value(GAUGE);
        assertThat(Metrics.scrape().exposes(GAUGE)).isTrue();
        try (KioskClientSocket socket = KioskClientSocket.open(root.getPort(),
                List.of("authsignal-ws", "x.authsignal.tenant." + TestTenants.TENANT_ID), Map.of())) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(
                    () -> assertThat(Metrics.scrape().value(GAUGE)).isEqualTo(before + 1));
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(
                () -> assertThat(Metrics.scrape().value(GAUGE)).isEqualTo(before));
    }
}
