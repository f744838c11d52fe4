package dev.countersign.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * countersign/files/prometheus-rules.yaml checked by Prometheus' own promtool: the file is valid
 * (check rules) and every alert fires on the series it is meant for and not on others (test rules,
 * src/test/resources/prometheus-rules-test.yaml). Every alert carries a severity, a summary and a
 * runbook section in docs/reliability.md.
 */
class PrometheusRulesTest {

    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final Path UNIT_TESTS = Charts.SOURCE.resolve("src/test/resources/prometheus-rules-test.yaml");

    @Test
    void promtoolFindsTheRulesFileValid() throws Exception {
        Result result = promtool(MonitoringChartTest.RULES.getParent(), "check", "rules", MonitoringChartTest.RULES.toString());
        assertThat(result.exitCode()).as("promtool check rules:%n%s", result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: " + alerts().size() + " rules found");
    }

    @Test
    void promtoolUnitTestsFireEveryAlertOnItsSeries() throws Exception {
        Path dir = Files.createDirectories(Charts.SOURCE.resolve("target/promtool"));
        Files.copy(MonitoringChartTest.RULES, dir.resolve("prometheus-rules.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(UNIT_TESTS, dir.resolve("prometheus-rules-test.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        Result result = promtool(dir, "test", "rules", "prometheus-rules-test.yaml");

        assertThat(result.exitCode()).as("promtool test rules:%n%s", result.output()).isZero();
        String tests = Files.readString(UNIT_TESTS);
        for (JsonNode alert : alerts()) {
            assertThat(tests).as("a unit test of %s", alert.path("alert").asText())
                    .contains("alertname: " + alert.path("alert").asText() + "\n");
        }
    }

    @Test
    void everyAlertHasASeveritySummaryAndARunbookSection() throws IOException {
        String reliability = Files.readString(Charts.PROJECT_ROOT.resolve("docs/reliability.md"));
        List<JsonNode> alerts = alerts();
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(7);
        for (JsonNode alert : alerts) {
            String name = alert.path("alert").asText();
            assertThat(alert.at("/labels/severity").asText()).as(name).isIn("critical", "warning", "info");
            assertThat(alert.at("/annotations/summary").asText()).as(name).isNotBlank();
            assertThat(alert.at("/annotations/runbook_url").asText()).as(name)
                    .isEqualTo("docs/reliability.md#" + name.toLowerCase(Locale.ROOT));
            assertThat(reliability).as("docs/reliability.md has a section for %s", name).contains("\n### " + name + "\n");
        }
    }

    static List<JsonNode> alerts() throws IOException {
        List<JsonNode> alerts = new ArrayList<>();
        for (JsonNode group : Charts.YAML.readTree(MonitoringChartTest.RULES.toFile()).path("groups")) {
            group.path("rules").forEach(alerts::add);
        }
        return alerts;
    }

    record Result(int exitCode, String output) {
    }

    /** Runs promtool; missing, the test fails (never skips): the CI machine installs it (.ci/run). */
    private static Result promtool(Path workDir, String... args) throws Exception {
        if (!Files.isExecutable(PROMTOOL)) {
            fail("promtool not found at " + PROMTOOL + ": install Debian's prometheus package "
                    + "(apt-get install -y --no-install-recommends prometheus)");
        }
        List<String> command = new ArrayList<>(List.of(PROMTOOL.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("promtool finished").isTrue();
        return new Result(process.exitValue(), output);
    }
}
