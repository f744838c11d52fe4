package dev.countersign.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void seriesWithAnExemplarCountByItsOwnLabelsAndValue() {
        // With tracing on, Micrometer's Prometheus registry writes an exemplar after a counter's value.
        Metrics metrics = Metrics.of("""
                # TYPE countersign_webhook_attempts_total counter
                countersign_webhook_attempts_total{result="failed"} 6.0 # {span_id="00f067aa0ba902b7",trace_id="4bf92f3577b34da6a3ce929d0e0e4736"} 1.0 1765045998.123
                countersign_webhook_attempts_total{result="accepted"} 1.0
                countersign_kiosk_sockets_open 3.0
                """);

        assertThat(metrics.value("countersign_webhook_attempts_total", "result", "failed")).isEqualTo(6.0);
        assertThat(metrics.value("countersign_webhook_attempts_total")).isEqualTo(7.0);
        assertThat(metrics.value("countersign_kiosk_sockets_open")).isEqualTo(3.0);
    }

    @Test
    void aBraceInsideALabelValueDoesNotEndTheLabels() {
        Metrics metrics = Metrics.of("""
                http_server_requests_seconds_count{method="GET",uri="/v1/users/{userId}"} 4.0
                """);

        assertThat(metrics.value("http_server_requests_seconds_count", "uri", "/v1/users/{userId}")).isEqualTo(4.0);
    }
}
