package dev.countersign.local.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import dev.countersign.local.infra.ChildProcess;
import dev.countersign.local.infra.FreePorts;

/** One packaged service running as its own JVM, configured through its environment. */
final class ServiceProcess extends ChildProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    /**
     * Each service's JVM options (docs/operations.md#jvm-settings says why these): a small heap
     * that grows only as needed, the serial collector (one core's worth of work per service), and
     * an exit rather than a half-working service on OutOfMemoryError.
     * {@code COUNTERSIGN_SERVICE_JVM_OPTIONS} ({@code countersign.service-jvm-options}),
     * space-separated, replaces them all; {@code {service}} in them becomes the service's name, for
     * files of its own (an AOT cache, a JFR recording).
     */
    static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC",
            "-XX:+ExitOnOutOfMemoryError");
    static final String JVM_OPTIONS_VARIABLE = "COUNTERSIGN_SERVICE_JVM_OPTIONS";
    static final String JVM_OPTIONS_PROPERTY = "countersign.service-jvm-options";

    /** A service's JVM options: {@link #JVM_OPTIONS}, or what the variable (else the property) says. */
    static List<String> jvmOptions(String serviceName, Map<String, String> environment, Properties properties) {
        String given = environment.getOrDefault(JVM_OPTIONS_VARIABLE,
                properties.getProperty(JVM_OPTIONS_PROPERTY, "")).strip();
        return given.isEmpty() ? JVM_OPTIONS
                : Arrays.stream(given.split("\\s+")).map(option -> option.replace("{service}", serviceName)).toList();
    }

    private final CountersignService service;
    private final ProcessBuilder builder;
    private final int port;
    private final int managementPort;
    private final Path log;

    private ServiceProcess(CountersignService service, ProcessBuilder builder, int port, int managementPort, Path log) {
        this.service = service;
        this.builder = builder;
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
    }

    /**
     * Starts the service. Secrets travel in {@code environment}; {@code properties} (system
     * properties, visible in a process listing) carry only public configuration whose keys do
     * not survive the environment-variable form, such as tenant ids in map keys.
     */
    static ServiceProcess start(CountersignService service, Path jar, int port, Map<String, String> environment,
            Map<String, String> properties, Path logDir) {
        return start(service, jar, port, FreePorts.pick(), environment, properties, logDir, service.serviceName());
    }

    /**
     * The same, logging to {@code <logName>.log} (a second replica of a service needs its own), with
     * {@code /q/*} (health, metrics) on {@code managementPort}.
     */
    static ServiceProcess start(CountersignService service, Path jar, int port, int managementPort,
            Map<String, String> environment, Map<String, String> properties, Path logDir, String logName) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (./mvnw package -DskipTests)");
        }
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        command.addAll(jvmOptions(logName, System.getenv(), System.getProperties()));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        try {
            Path log = Files.createDirectories(logDir).resolve(logName + ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
            builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
            // Health and metrics on a port of their own, on the loopback like the API port.
            builder.environment().put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
            builder.environment().put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
            ServiceProcess started = new ServiceProcess(service, builder, port, managementPort, log);
            started.process = builder.start();
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + service.serviceName(), e);
        }
    }

    /** Waits until {@code /q/health/ready} answers 200 on the management port, or fails with the tail of the service's log. */
    void awaitReady() {
        Process process = this.process;
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(service.serviceName() + " exited with " + process.exitValue()
                        + "; last lines of " + log + ":\n" + tail());
            }
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted", e);
            }
            sleep(200);
        }
        throw new IllegalStateException(service.serviceName() + " not ready after " + READY_TIMEOUT.toSeconds()
                + " s; last lines of " + log + ":\n" + tail());
    }

    /** The same command, environment and ports; the log goes on in the same file. */
    @Override
    public synchronized void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(service.serviceName() + " is still running");
        }
        try {
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + service.serviceName() + " again", e);
        }
        awaitReady();
    }

    /** This replica's log file. */
    Path log() {
        return log;
    }

    CountersignService service() {
        return service;
    }

    int port() {
        return port;
    }

    int managementPort() {
        return managementPort;
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM for a graceful Quarkus shutdown, then SIGKILL if it does not end in time. */
    @Override
    public void close() {
        Process process = this.process;
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
