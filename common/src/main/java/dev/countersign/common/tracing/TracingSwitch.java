package dev.countersign.common.tracing;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Tracing is off unless an OTLP endpoint is given (docs/observability.md#tracing): without one the
 * OpenTelemetry SDK is disabled ({@code quarkus.otel.sdk.disabled=true}: no exporter, no export
 * attempts, no-op spans); with one — the standard {@code OTEL_EXPORTER_OTLP_ENDPOINT} or Quarkus'
 * {@code QUARKUS_OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT}, as environment variables or system
 * properties — it is enabled, and the standard variable becomes Quarkus' endpoint. A config source
 * rather than a profile because the switch depends on another setting's presence. Its ordinal lies
 * between common's defaults and a service's application.properties, so an explicit
 * {@code quarkus.otel.sdk.disabled} anywhere else still wins.
 */
public final class TracingSwitch implements ConfigSource {

    static final String DISABLED = "quarkus.otel.sdk.disabled";
    static final String ENDPOINT = "quarkus.otel.exporter.otlp.endpoint";
    static final String TRACES_ENDPOINT = "quarkus.otel.exporter.otlp.traces.endpoint";
    static final String STANDARD_ENDPOINT = "otel.exporter.otlp.endpoint";
    static final int ORDINAL = 150;

    private final Map<String, String> properties;

    public TracingSwitch() {
        this(System.getenv(), System.getProperties());
    }

    TracingSwitch(Map<String, String> environment, Properties system) {
        String standard = setting(environment, system, STANDARD_ENDPOINT);
        boolean quarkus = setting(environment, system, ENDPOINT) != null
                || setting(environment, system, TRACES_ENDPOINT) != null;
        Map<String, String> values = new HashMap<>();
        if (standard != null) {
            values.put(ENDPOINT, standard);
        }
        values.put(DISABLED, Boolean.toString(standard == null && !quarkus));
        this.properties = Map.copyOf(values);
    }

    /** A property as a system property or as its environment variable (dots and dashes as underscores). */
    private static String setting(Map<String, String> environment, Properties system, String property) {
        String variable = property.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
        return Stream.of(system.getProperty(property), environment.get(variable))
                .filter(value -> value != null && !value.isBlank())
                .findFirst().orElse(null);
    }

    @Override
    public Map<String, String> getProperties() {
        return properties;
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return "countersign-tracing-switch";
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
