package dev.countersign.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.countersign.testkit.TestTenants;

/**
 * The packaged artifact, started as an operator starts it (prod profile, configuration from the
 * environment), with APNs half configured: it must exit at start naming what is missing, not run
 * and silently skip iOS devices; likewise without the services' internal secret. No infrastructure: the refusal comes before Kafka matters (the
 * bootstrap address points at a closed port).
 */
class PartlyConfiguredChannelIT {

    private static final long START_TIMEOUT_SECONDS = 90;

    @Test
    void apnsTeamIdWithoutKeyThenTheServiceExitsAtStartNamingTheMissingKeys() throws Exception {
        String output = startExpectingExit(Map.of(
                "COUNTERSIGN_INTERNAL_SECRET", TestTenants.INTERNAL_SECRET,
                "COUNTERSIGN_NOTIFIER_APNS_TEAM_ID", "TEAM123456"));
        assertThat(output).contains("countersign.notifier.apns is partly configured")
                .contains("signing-key").contains("key-id").contains("topic");
    }

    @Test
    void withoutTheInternalSecretThenTheServiceExitsAtStartNamingTheProperty() throws Exception {
        // Fail closed: prod has no default for it (only the dev profile does).
        String output = startExpectingExit(Map.of());
        assertThat(output).contains("countersign.internal.secret").contains("COUNTERSIGN_INTERNAL_SECRET");
    }

    /** Starts the packaged notifier with {@code settings} and returns its output once it exited (not zero). */
    private static String startExpectingExit(Map<String, String> settings) throws Exception {
        List<String> command = new ArrayList<>();
        Path nativeExecutable = Path.of(System.getProperty("native.image.path", "target/none"));
        if (Files.isExecutable(nativeExecutable)) {
            command.add(nativeExecutable.toString());
        } else {
            Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
            assertThat(jar).as("packaged jar (the IT runs after package)").exists();
            command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString()));
        }
        Path log = Files.createTempFile("notifier-partly-configured", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        // Only what this test sets: nothing from the caller's shell may complete (or break) the channel.
        env.keySet().removeIf(name -> name.startsWith("COUNTERSIGN_") || name.startsWith("QUARKUS_")
                || name.startsWith("KAFKA_"));
        env.put("QUARKUS_PROFILE", "prod");
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", String.valueOf(freePort()));
        env.put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
        env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(freePort()));
        env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + freePort());
        env.putAll(settings);

        Process process = builder.start();
        try {
            boolean exited = process.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            String output = Files.readString(log);
            assertThat(exited).as("exited at start; output:%n%s", output).isTrue();
            assertThat(process.exitValue()).as(output).isNotZero();
            return output;
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(log);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
