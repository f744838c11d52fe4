package dev.countersign.local.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import dev.countersign.common.http.IdleTimeouts;

import org.junit.jupiter.api.Test;

class EdgeSettingsTest {

    @Test
    void durationsAreWrittenInMillisecondsSecondsOrMinutes() {
        assertThat(EdgeSettings.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(EdgeSettings.duration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(EdgeSettings.duration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> EdgeSettings.duration("5h")).isInstanceOf(IllegalArgumentException.class);
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
