package dev.countersign.common.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class TracingSwitchTest {

    @Test
    void withoutAnEndpointTheSdkIsDisabledAndNoEndpointIsSet() {
        TracingSwitch source = new TracingSwitch(Map.of(), new Properties());

        assertThat(source.getValue(TracingSwitch.DISABLED)).isEqualTo("true");
        assertThat(source.getValue(TracingSwitch.ENDPOINT)).isNull();
    }

    @Test
    void theStandardEndpointVariableEnablesTheSdkAndBecomesQuarkusEndpoint() {
        TracingSwitch source = new TracingSwitch(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
                new Properties());

        assertThat(source.getValue(TracingSwitch.DISABLED)).isEqualTo("false");
        assertThat(source.getValue(TracingSwitch.ENDPOINT)).isEqualTo("http://collector:4318");
    }

    @Test
    void quarkusOwnEndpointSettingsEnableTheSdkWithoutOverridingThem() {
        Properties system = new Properties();
        system.setProperty("quarkus.otel.exporter.otlp.traces.endpoint", "http://collector:4318/v1/traces");
        TracingSwitch bySystemProperty = new TracingSwitch(Map.of(), system);
        TracingSwitch byVariable = new TracingSwitch(
                Map.of("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"), new Properties());

        assertThat(bySystemProperty.getValue(TracingSwitch.DISABLED)).isEqualTo("false");
        assertThat(byVariable.getValue(TracingSwitch.DISABLED)).isEqualTo("false");
        assertThat(byVariable.getPropertyNames()).containsExactly(TracingSwitch.DISABLED);
    }

    @Test
    void aBlankEndpointCountsAsNone() {
        TracingSwitch source = new TracingSwitch(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", " "), new Properties());

        assertThat(source.getValue(TracingSwitch.DISABLED)).isEqualTo("true");
    }

    @Test
    void itRanksAboveCommonDefaultsAndBelowAServiceOwnProperties() {
        assertThat(new TracingSwitch().getOrdinal()).isGreaterThan(100).isLessThan(250);
    }
}
