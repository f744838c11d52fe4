package dev.countersign.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.countersign.local.launcher.CountersignStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real published clients against the running stack: {@code compat/} (an npm project with
 * {@code @authsignal/node} 2.21.0) installed from its lockfile and run with Node's test runner.
 */
@ExtendWith(RunningStack.class)
class CompatSuiteTest {

    private static final Path COMPAT = Path.of(System.getProperty("countersign.project-root", "..")).resolve("compat");
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration SUITE_TIMEOUT = Duration.ofMinutes(5);

    @Test
    void realAuthsignalClientsPassTheCompatSuite(CountersignStack stack, WebhookSink sink) throws Exception {
        assertThat(COMPAT.resolve("package-lock.json")).isRegularFile();

        Run install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), INSTALL_TIMEOUT);
        assertThat(install.exitCode()).as("npm ci in %s failed:%n%s", COMPAT, install.output()).isZero();

        List<String> command = new ArrayList<>(List.of("node", "--test", "--test-reporter=spec"));
        try (Stream<Path> files = Files.list(COMPAT.resolve("test"))) {
            files.map(Path::getFileName).map(Path::toString).filter(name -> name.endsWith(".test.mjs")).sorted()
                    .forEach(name -> command.add("test/" + name));
        }
        assertThat(command).as("test files in compat/test").hasSizeGreaterThan(3);

        Run suite = run(command, Map.of(
                "COUNTERSIGN_BASE_URL", stack.baseUrl(),
                "COUNTERSIGN_TENANT_ID", stack.tenantId(),
                "COUNTERSIGN_SECRET_KEY", stack.secretKey(),
                "COUNTERSIGN_WEBHOOK_SINK", sink.capturedUrl(),
                "COUNTERSIGN_PAGE_ORIGIN", System.getProperty(RunningStack.PAGE_ORIGIN)), SUITE_TIMEOUT);
        assertThat(suite.exitCode()).as("node --test in compat/ failed (exit %d):%n%s", suite.exitCode(), suite.output())
                .isZero();
    }

    private record Run(int exitCode, String output) {
    }

    /** Runs a command in compat/, echoing its output into the test log as it comes; kills it on timeout. */
    private static Run run(List<String> command, Map<String, String> environment, Duration timeout) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(COMPAT.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        builder.environment().put("NO_COLOR", "1");
        builder.environment().put("npm_config_update_notifier", "false");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError("Cannot run " + command.get(0) + " (Node 20+ and npm must be on the PATH): " + e.getMessage(), e);
        }
        StringBuilder output = new StringBuilder();
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    System.out.println("[compat] " + line);
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                // The process was killed; what was read is kept.
            }
        }, "compat-output");
        pump.start();
        System.out.println("[compat] $ " + String.join(" ", command));
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            pump.join(5_000);
            synchronized (output) {
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout + ":\n" + output);
            }
        }
        pump.join(10_000);
        synchronized (output) {
            return new Run(process.exitValue(), output.toString());
        }
    }
}
