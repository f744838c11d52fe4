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
 * stops every process it started and removes its files.
 */
class RunCommandTest {

    private static final Path PROJECT_ROOT = Path.of(System.getProperty("countersign.project-root", ".."));

    @Test
    void runCommandPrintsTheThreeLinesServesAndLeavesNothingBehindOnCtrlC(@TempDir Path tmp) throws Exception {
        Path launcherJar = PROJECT_ROOT.resolve("deploy/local/target/countersign-local-launcher.jar");
        assertThat(launcherJar).isRegularFile();
        ProcessBuilder builder = new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-Djava.io.tmpdir=" + tmp, "-jar", launcherJar.toString())
                .redirectError(tmp.resolve("launcher.err").toFile());
        builder.environment().put("COUNTERSIGN_PORT", "0");
        builder.environment().put("COUNTERSIGN_HOME", PROJECT_ROOT.toString());
        Process launcher = builder.start();
        try {
            Map<String, String> printed = CompletableFuture.supplyAsync(() -> readThreeLines(launcher))
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
            try (Stream<Path> left = Files.list(tmp)) {
                assertThat(left.map(p -> p.getFileName().toString()))
                        .as("files the run left in its temp directory").containsOnly("launcher.err");
            }
        } finally {
            if (launcher.isAlive()) {
                launcher.descendants().forEach(ProcessHandle::destroyForcibly);
                launcher.destroyForcibly();
            }
        }
    }

    private static Stream<ProcessHandle> processesUsing(Path dir) {
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains(dir.toString()));
    }

    private static Map<String, String> readThreeLines(Process launcher) {
        Map<String, String> printed = new HashMap<>();
        try {
            BufferedReader out = new BufferedReader(
                    new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while (printed.size() < 3 && (line = out.readLine()) != null) {
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
