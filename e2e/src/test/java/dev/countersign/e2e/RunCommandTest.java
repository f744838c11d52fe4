package dev.countersign.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.countersign.local.edge.RouteTable;
import dev.countersign.local.launcher.CountersignService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command as a user runs it: the packaged launcher in its own process prints
 * the three lines once everything is ready, serves through the edge, and on Ctrl-C (SIGINT)
 * stops every process it started and removes its files — also when started as a script's
 * background job (SIGINT inherited ignored) — and leaves nothing behind when it is killed.
 */
class RunCommandTest {

    private static final Path PROJECT_ROOT = Path.of(System.getProperty("countersign.project-root", ".."));

    @Test
    void runCommandPrintsTheThreeLinesServesAndLeavesNothingBehindOnCtrlCEvenAsABackgroundJob(@TempDir Path tmp)
            throws Exception {
        // As a script's `java -jar … &` starts it: SIGINT ignored from the start.
        Process launcher = startLauncher(tmp, true, Map.of());
        try {
            Map<String, String> printed = CompletableFuture.supplyAsync(() -> readLines(launcher, 3))
                    .get(240, TimeUnit.SECONDS);

            assertThat(printed.get("COUNTERSIGN_BASE_URL")).matches("http://127\\.0\\.0\\.1:\\d+/v1");
            assertThat(printed.get("COUNTERSIGN_TENANT_ID")).isEqualTo("demo");
            assertThat(printed.get("COUNTERSIGN_SECRET_KEY")).startsWith("sk_local_").hasSizeGreaterThan(40);

            String origin = printed.get("COUNTERSIGN_BASE_URL").replace("/v1", "");
            for (CountersignService service : CountersignService.values()) {
                String path = RouteTable.load().routes().stream()
                        .filter(r -> r.service().equals(service.serviceName())).findFirst().orElseThrow().samplePath();
                assertThat(given().baseUri(origin).get(path).header("X-Countersign-Service"))
                        .isEqualTo(service.serviceName());
            }

            // pg_ctl detaches the postmaster, so look for the run's processes by what they run, too.
            List<ProcessHandle> started = Stream.concat(launcher.descendants(), processesUsing(tmp))
                    .distinct().toList();
            List<String> commands = started.stream().map(p -> p.info().commandLine().orElse("")).toList();
            assertThat(commands).anyMatch(c -> c.contains("KafkaBrokerMain"));
            assertThat(commands).anyMatch(c -> c.contains("postgres") && c.contains(tmp.toString()));
            assertThat(commands).anyMatch(c -> c.contains("redis-server"));
            for (CountersignService service : CountersignService.values()) {
                assertThat(commands).anyMatch(c -> c.contains(service.serviceName() + "/target/quarkus-app"));
            }

            new ProcessBuilder("kill", "-INT", String.valueOf(launcher.pid())).start().waitFor();

            assertThat(launcher.waitFor(90, TimeUnit.SECONDS)).as("launcher exits after Ctrl-C").isTrue();
            for (ProcessHandle child : started) {
                child.onExit().get(30, TimeUnit.SECONDS);
                assertThat(child.isAlive()).as("process %s", child.info().commandLine().orElse("?")).isFalse();
            }
            assertThat(processesUsing(tmp).toList()).isEmpty();
            assertThat(leftIn(tmp)).as("files the run left in its temp directory").containsOnly("launcher.err");
        } finally {
            stop(launcher);
        }
    }

    @Test
    void furtherTenantsArePrintedWithTheirOwnSecretsAndLocalPagesOnAnyPortMayCallTheApi(@TempDir Path tmp)
            throws Exception {
        Process launcher = startLauncher(tmp, false, Map.of("COUNTERSIGN_TENANTS", "demo,acme"));
        try {
            Map<String, String> printed = CompletableFuture.supplyAsync(() -> readLines(launcher, 5))
                    .get(240, TimeUnit.SECONDS);
            String baseUrl = printed.get("COUNTERSIGN_BASE_URL");

            assertThat(printed.get("COUNTERSIGN_TENANT_ID")).isEqualTo("demo");
            assertThat(printed.get("COUNTERSIGN_TENANT_ID_2")).isEqualTo("acme");
            assertThat(printed.get("COUNTERSIGN_SECRET_KEY_2")).startsWith("sk_local_")
                    .isNotEqualTo(printed.get("COUNTERSIGN_SECRET_KEY"));
            for (String secret : List.of(printed.get("COUNTERSIGN_SECRET_KEY"), printed.get("COUNTERSIGN_SECRET_KEY_2"))) {
                given().baseUri(baseUrl).auth().preemptive().basic(secret, "")
                        .get("/users/nobody/authenticators").then().statusCode(200);
            }
            given().baseUri(baseUrl).auth().preemptive().basic("sk_local_unknown", "")
                    .get("/users/nobody/authenticators").then().statusCode(401);

            for (String origin : List.of("http://localhost:5173", "http://127.0.0.1:3000")) {
                given().baseUri(baseUrl).header("Origin", origin).header("Access-Control-Request-Method", "POST")
                        .options("/client/user-authenticators/push")
                        .then().statusCode(200).header("Access-Control-Allow-Origin", origin);
            }
            given().baseUri(baseUrl).header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
                    .options("/client/user-authenticators/push")
                    .then().statusCode(403);
        } finally {
            stop(launcher);
        }
    }

    @Test
    void aKilledLauncherLeavesNoProcessAndNoRunDirectoryBehind(@TempDir Path tmp) throws Exception {
        Process launcher = startLauncher(tmp, false, Map.of());
        try {
            CompletableFuture.supplyAsync(() -> readLines(launcher, 3)).get(240, TimeUnit.SECONDS);
            List<ProcessHandle> started = Stream.concat(launcher.descendants(), processesUsing(tmp))
                    .distinct().toList();
            assertThat(started.stream().map(p -> p.info().commandLine().orElse("")))
                    .anyMatch(c -> c.contains("postgres") && c.contains(tmp.toString()));
            assertThat(runDirectories(tmp)).hasSize(1);

            launcher.destroyForcibly().waitFor();

            // Bounded wait for the watchdog: it terminates, waits up to 20 s, kills, removes.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline
                    && (started.stream().anyMatch(ProcessHandle::isAlive) || !runDirectories(tmp).isEmpty())) {
                Thread.sleep(500);
            }
            assertThat(started.stream().filter(ProcessHandle::isAlive).map(p -> p.info().commandLine().orElse("?")))
                    .as("processes left running").isEmpty();
            assertThat(processesUsing(tmp).toList()).isEmpty();
            // Only the run directory: libraries' own temp files (deleted on a JVM's exit) cannot go with SIGKILL.
            assertThat(runDirectories(tmp)).as("run directories left").isEmpty();
        } finally {
            stop(launcher);
            processesUsing(tmp).forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** The packaged launcher; with {@code sigintIgnored}, as a script's background job starts it. */
    private static Process startLauncher(Path tmp, boolean sigintIgnored, Map<String, String> environment)
            throws java.io.IOException {
        Path launcherJar = PROJECT_ROOT.resolve("deploy/local/target/countersign-local-launcher.jar");
        assertThat(launcherJar).isRegularFile();
        List<String> java = List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Djava.io.tmpdir=" + tmp, "-jar", launcherJar.toString());
        List<String> command = sigintIgnored
                ? List.of("sh", "-c", "trap '' INT; exec \"$@\"", "sh", java.get(0), java.get(1), java.get(2), java.get(3))
                : java;
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(tmp.resolve("launcher.err").toFile());
        builder.environment().put("COUNTERSIGN_PORT", "0");
        builder.environment().put("COUNTERSIGN_HOME", PROJECT_ROOT.toString());
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static void stop(Process launcher) {
        if (launcher.isAlive()) {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }

    private static List<String> runDirectories(Path dir) throws java.io.IOException {
        return leftIn(dir).stream().filter(name -> name.startsWith("countersign-run-")).toList();
    }

    private static List<String> leftIn(Path dir) throws java.io.IOException {
        try (Stream<Path> left = Files.list(dir)) {
            return left.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Stream<ProcessHandle> processesUsing(Path dir) {
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains(dir.toString()));
    }

    private static Map<String, String> readLines(Process launcher, int count) {
        Map<String, String> printed = new HashMap<>();
        try {
            BufferedReader out = new BufferedReader(
                    new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while (printed.size() < count && (line = out.readLine()) != null) {
                int eq = line.indexOf('=');
                if (line.startsWith("COUNTERSIGN_") && eq > 0) {
                    printed.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return printed;
    }
}
