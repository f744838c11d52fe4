package dev.countersign.testkit;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Tracing enabled as an OTLP endpoint would enable it (spans made, W3C context propagated), with no
 * exporter: for tests of what a trace carries (docs/observability.md#tracing), not where it goes.
 */
public class TracingOn implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.traces.exporter", "none");
    }
}
