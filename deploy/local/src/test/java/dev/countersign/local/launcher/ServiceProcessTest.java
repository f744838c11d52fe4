package dev.countersign.local.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The services' JVM options: the measured defaults, or an operator's own. */
class ServiceProcessTest {

    @Test
    void nothingGivenThenTheDefaultsWithTheSerialCollectorAndABoundedHeap() {
        assertThat(ServiceProcess.jvmOptions(Map.of(), new Properties()))
                .containsExactly("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");
        assertThat(ServiceProcess.jvmOptions(Map.of("COUNTERSIGN_SERVICE_JVM_OPTIONS", "  "), new Properties()))
                .isEqualTo(ServiceProcess.JVM_OPTIONS);
    }

    @Test
    void variableOrPropertyGivenThenTheyReplaceTheDefaultsAndTheVariableWins() {
        Properties properties = new Properties();
        properties.setProperty("countersign.service-jvm-options", "-Xmx200m -XX:+UseParallelGC");

        assertThat(ServiceProcess.jvmOptions(Map.of(), properties)).containsExactly("-Xmx200m", "-XX:+UseParallelGC");
        assertThat(ServiceProcess.jvmOptions(Map.of("COUNTERSIGN_SERVICE_JVM_OPTIONS", " -Xmx256m   -Xss512k "),
                properties)).containsExactly("-Xmx256m", "-Xss512k");
    }
}
