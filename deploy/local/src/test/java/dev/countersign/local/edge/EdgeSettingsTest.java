package dev.countersign.local.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import dev.countersign.common.http.IdleTimeouts;

import org.junit.jupiter.api.Test;

class EdgeSettingsTest {

    @Test
    void settingsAreReadFromSystemProperties() {
        System.setProperty("countersign.edge.tunnel-idle-timeout", "90s");
        System.setProperty("countersign.edge.request-pool-size", "7");
        try {
            EdgeSettings settings = EdgeSettings.fromEnvironment();
            assertThat(settings.tunnelIdleTimeout()).isEqualTo(Duration.ofSeconds(90));
            assertThat(settings.requestPoolSize()).isEqualTo(7);
        } finally {
            System.clearProperty("countersign.edge.tunnel-idle-timeout");
            System.clearProperty("countersign.edge.request-pool-size");
        }
    }

    @Test
    void unreadableSettingNamesItsVariable() {
        System.setProperty("countersign.edge.request-body-timeout", "soon");
        try {
            assertThatThrownBy(EdgeSettings::fromEnvironment).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("COUNTERSIGN_EDGE_REQUEST_BODY_TIMEOUT");
        } finally {
            System.clearProperty("countersign.edge.request-body-timeout");
        }
    }

    @Test
    void defaultUpstreamKeepAliveIsShorterThanTheServicesIdleTimeout() {
        assertThat(EdgeSettings.defaults().upstreamKeepAlive()).isLessThan(IdleTimeouts.service());
    }

    @Test
    void upstreamKeepAliveNotShorterThanTheServicesIdleTimeoutIsRefused() {
        EdgeSettings d = EdgeSettings.defaults();
        assertThatThrownBy(() -> new EdgeSettings(d.requestPoolSize(), d.requestQueueSize(), d.requestQueueTimeout(),
                d.upstreamConnectTimeout(), d.upstreamResponseTimeout(), IdleTimeouts.service(), d.clientIdleTimeout(),
                d.requestHeaderTimeout(), d.requestBodyTimeout(), d.tunnelsPerService(), d.tunnelIdleTimeout()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shorter than the services' idle timeout");
    }

    @Test
    void tunnelIdleTimeoutOutlastsTheKioskPing() {
        assertThat(EdgeSettings.defaults().tunnelIdleTimeout()).isGreaterThan(Duration.ofSeconds(30));
    }
}
