package dev.countersign.local.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.countersign.common.internal.InternalSecret;

class CountersignStackTest {

    @Test
    void theLocalRunTrustsTheEdgeAndExemptsDirectLoopbackPeers() {
        // The one deployment that turns the exemption on; the services default it to off.
        assertThat(CountersignStack.clientAddressEnvironment())
                .containsEntry("COUNTERSIGN_TRUSTED_PROXIES", "127.0.0.1/32,::1/128")
                .containsEntry("COUNTERSIGN_EXEMPT_LOOPBACK_PEERS", "true");
    }

    @Test
    void logFormatJsonTurnsOnTheServicesJsonConsoleAndTextTurnsItOff() {
        assertThat(CountersignStack.logFormatEnvironment("json")).containsExactly(
                java.util.Map.entry("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true"));
        assertThat(CountersignStack.logFormatEnvironment(" JSON ")).containsEntry("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true");
        assertThat(CountersignStack.logFormatEnvironment("text")).containsExactly(
                java.util.Map.entry("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false"));
    }

    @Test
    void anUnknownLogFormatStopsTheRunNamingTheChoices() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CountersignStack.logFormatEnvironment("xml"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("text or json");
    }

    @Test
    void theLocalRunNamesTheAnsweringServiceOnEveryResponse() {
        // The end-to-end routing tests read it; the services default it to off.
        assertThat(CountersignStack.routingEnvironment()).containsEntry("COUNTERSIGN_SERVICE_NAME_HEADER", "true");
    }

    @Test
    void everyRunMakesAFreshInternalSecretTheServicesAcceptAndNeverShowsIt() {
        DemoSecrets one = DemoSecrets.generate("demo");
        DemoSecrets two = DemoSecrets.generate("demo");
        assertThat(one.internalSecret()).isNotEqualTo(two.internalSecret());
        // What every service checks at start: long enough, else it refuses to run.
        new InternalSecret(Optional.of(one.internalSecret()));
        assertThat(one.toString()).doesNotContain(one.internalSecret());
    }

    @Test
    void theBenchmarkProfileRaisesTheInitiationBudgetsAndSwitchesNoCheckOff() {
        assertThat(CountersignStack.benchmarkEnvironment(CountersignService.CHALLENGE))
                .containsEntry("COUNTERSIGN_CHALLENGE_LIMITS_USER_PUSHES", "1000000")
                .containsEntry("COUNTERSIGN_CHALLENGE_LIMITS_IP_PUSHES", "1000000")
                .containsEntry("COUNTERSIGN_CHALLENGE_QR_CODE_IP_CHALLENGES", "1000000")
                .containsEntry("COUNTERSIGN_CHALLENGE_IN_APP_IP_CHALLENGES", "1000000");
        assertThat(CountersignStack.benchmarkEnvironment(CountersignService.NOTIFIER))
                .containsEntry("COUNTERSIGN_NOTIFIER_KIOSK_MAX_SOCKETS_PER_ADDRESS", "1000000");
        // Only counts: no window, no back-off and no switch is touched.
        for (CountersignService service : CountersignService.values()) {
            assertThat(CountersignStack.benchmarkEnvironment(service).values()).allMatch(v -> Integer.parseInt(v) >= 1);
        }
    }

    @Test
    void theBenchmarkProfileIsOffUnlessAskedFor() {
        assertThat(StackSettings.fromEnvironment().benchmark()).isFalse();
        System.setProperty("countersign.benchmark", "true");
        try {
            assertThat(StackSettings.fromEnvironment().benchmark()).isTrue();
        } finally {
            System.clearProperty("countersign.benchmark");
        }
    }

    @Test
    void tracingIsPassedToEveryServiceOnlyWhenAnOtlpEndpointIsGiven() {
        assertThat(CountersignStack.tracingEnvironment(StackSettings.fromEnvironment())).isEmpty();
        System.setProperty("otel.exporter.otlp.endpoint", "http://127.0.0.1:4318");
        try {
            StackSettings settings = StackSettings.fromEnvironment();
            assertThat(settings.otlpEndpoint()).contains("http://127.0.0.1:4318");
            assertThat(CountersignStack.tracingEnvironment(settings))
                    .containsExactly(java.util.Map.entry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"));
            assertThat(CountersignStack.tracingEnvironment(settings.withOtlpEndpoint("http://collector:4318")))
                    .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318");
        } finally {
            System.clearProperty("otel.exporter.otlp.endpoint");
        }
    }
}
