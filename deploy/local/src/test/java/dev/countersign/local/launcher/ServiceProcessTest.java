package dev.countersign.local.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The services' JVM options: the measured defaults, or an operator's own. */
class ServiceProcessTest {

    @Test
    void nothingGivenThenTheDefaultsWithTheSerialCollectorAndABoundedHeap() {
        assertThat(ServiceProcess.jvmOptions("challenge-service", Map.of(), new Properties()))
                .containsExactly("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");
        assertThat(ServiceProcess.jvmOptions("challenge-service", Map.of("COUNTERSIGN_SERVICE_JVM_OPTIONS", "  "), new Properties()))
                .isEqualTo(ServiceProcess.JVM_OPTIONS);
    }

    @Test
    void variableOrPropertyGivenThenTheyReplaceTheDefaultsAndTheVariableWins() {
        Properties properties = new Properties();
        properties.setProperty("countersign.service-jvm-options", "-Xmx200m -XX:+UseParallelGC");

        assertThat(ServiceProcess.jvmOptions("challenge-service", Map.of(), properties)).containsExactly("-Xmx200m", "-XX:+UseParallelGC");
        assertThat(ServiceProcess.jvmOptions("challenge-service",
                Map.of("COUNTERSIGN_SERVICE_JVM_OPTIONS", " -Xmx256m   -Xss512k "), properties)).containsExactly("-Xmx256m", "-Xss512k");
    }

    @Test
    void serviceNamedInTheOptionsThenEachServiceGetsItsOwnFile() {
        Map<String, String> environment = Map.of("COUNTERSIGN_SERVICE_JVM_OPTIONS",
                "-XX:+UseSerialGC -XX:AOTCache=/var/aot/{service}.aot");

        assertThat(ServiceProcess.jvmOptions("notifier-service-2", environment, new Properties()))
                .containsExactly("-XX:+UseSerialGC", "-XX:AOTCache=/var/aot/notifier-service-2.aot");
    }
}
