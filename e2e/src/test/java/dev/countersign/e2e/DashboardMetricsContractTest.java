package dev.countersign.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.countersign.local.launcher.CountersignStack;
import dev.countersign.testkit.Metrics;
import io.restassured.RestAssured;

/**
 * Every metric the Grafana dashboard and the alert rules of the umbrella chart use is one the
 * launched services export: renaming a metric without the dashboard and the rules fails here. The
 * services register every domain series at zero when they start, so no traffic is needed first.
 * Series that Prometheus and kube-state-metrics make, not the services, are listed apart.
 */
@ExtendWith(RunningStack.class)
class DashboardMetricsContractTest {

    private static final Path CHART = Path.of(System.getProperty("countersign.project-root", ".."))
            .resolve("deploy/helm/countersign/files");

    /** Made by Prometheus (up) and kube-state-metrics, never on a service's /q/metrics. */
    static final Set<String> PROMETHEUS_SIDE = Set.of("up", "kube_pod_status_ready");

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "inf", "nan");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    @Test
    void everyMetricTheDashboardAndTheAlertsUseIsExportedByTheServices(CountersignStack stack) throws IOException {
        // Quarkus' HTTP server timer is made by the first request (its tags are the request's), so
        // every service answers one first (an unknown path); every domain series exists from the start.
        List<Integer> servicePorts = new ArrayList<>(stack.servicePorts().values());
        servicePorts.addAll(stack.notifierPorts());
        for (int port : servicePorts) {
            RestAssured.given().baseUri("http://127.0.0.1").port(port).get("/contract-test");
        }
        List<Integer> ports = new ArrayList<>(stack.managementPorts().values());
        ports.addAll(stack.notifierManagementPorts());
        Metrics exported = Metrics.scrape(ports);

        Set<String> used = new TreeSet<>();
        used.addAll(names(dashboardExpressions()));
        used.addAll(names(ruleExpressions()));

        // The extraction itself works: the panels' and alerts' main series are found.
        assertThat(used).contains("countersign_challenges_ended_total", "countersign_challenge_answer_seconds_bucket",
                "countersign_dead_letters_total", "countersign_kafka_consumer_lag",
                "http_server_requests_seconds_count", "countersign_credential_outbox_degraded", "up");
        assertThat(used).hasSizeGreaterThanOrEqualTo(20);
        List<String> missing = used.stream().filter(name -> !PROMETHEUS_SIDE.contains(name))
                .filter(name -> !exported.exposes(name)).toList();
        assertThat(missing).as("metrics the dashboard or alerts use that no service exports").isEmpty();
        assertThat(used.stream().filter(name -> name.startsWith("kube_") || name.equals("up")))
                .as("Prometheus-side series are listed in PROMETHEUS_SIDE").allMatch(PROMETHEUS_SIDE::contains);
    }

    @Test
    void theNameExtractionSkipsFunctionsLabelsAndGroupings() {
        assertThat(names(List.of("histogram_quantile(0.99, sum by (method, le) (rate(a_bucket{x=\"y\", job=~\"b.*\"}[$__rate_interval]))) > 90",
                "label_replace(max by (namespace) (b_backlog) > 10 and c_total offset 5m, \"outbox\", \"c\", \"\", \"\") or up == 0")))
                .containsExactlyInAnyOrder("a_bucket", "b_backlog", "c_total", "up");
    }

    static Set<String> names(List<String> expressions) {
        Set<String> names = new TreeSet<>();
        for (String expression : expressions) {
            String e = expression.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"") // string literals
                    .replaceAll("\\{[^}]*}", " ") // label matchers
                    .replaceAll("\\[[^]]*]", " "); // ranges
            e = GROUPING.matcher(e).replaceAll(" ");
            Matcher m = IDENTIFIER.matcher(e);
            while (m.find()) {
                String token = m.group();
                int after = m.end();
                while (after < e.length() && e.charAt(after) == ' ') {
                    after++;
                }
                boolean function = after < e.length() && e.charAt(after) == '(';
                boolean number = m.start() > 0 && Character.isDigit(e.charAt(m.start() - 1));
                if (!function && !number && !KEYWORDS.contains(token.toLowerCase())) {
                    names.add(token);
                }
            }
        }
        return names;
    }

    private static List<String> dashboardExpressions() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(CHART.resolve("grafana-dashboard.json").toFile());
        List<String> expressions = nested(dashboard, "panels", "targets");
        assertThat(expressions).as("the dashboard's queries").hasSizeGreaterThanOrEqualTo(12);
        return expressions;
    }

    private static List<String> ruleExpressions() throws IOException {
        JsonNode rules = new YAMLMapper().readTree(CHART.resolve("prometheus-rules.yaml").toFile());
        List<String> expressions = nested(rules, "groups", "rules");
        assertThat(expressions).as("the alerts' expressions").hasSizeGreaterThanOrEqualTo(7);
        return expressions;
    }

    /** The {@code expr} of every {@code inner} element of every {@code outer} element. */
    private static List<String> nested(JsonNode root, String outer, String inner) {
        List<String> expressions = new ArrayList<>();
        for (JsonNode o : root.path(outer)) {
            for (JsonNode i : o.path(inner)) {
                expressions.add(i.path("expr").asText());
            }
        }
        return expressions;
    }
}
