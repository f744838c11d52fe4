package dev.countersign.helm;

import static dev.countersign.helm.Charts.RELEASE;
import static dev.countersign.helm.Charts.UMBRELLA;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The umbrella chart's monitoring objects: the Grafana dashboard ConfigMap and the PrometheusRule,
 * each off by default and, when on, carrying its file of files/ as it is (the rules with the
 * runbook base URL in front of every runbook_url).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitoringChartTest {

    static final Path DASHBOARD = Charts.SOURCE.resolve(UMBRELLA + "/files/grafana-dashboard.json");
    static final Path RULES = Charts.SOURCE.resolve(UMBRELLA + "/files/prometheus-rules.yaml");

    private Charts.Render off;
    private Charts.Render on;

    @BeforeAll
    void render() throws IOException {
        Charts.prepare();
        off = Charts.render(UMBRELLA, Charts.SOURCE.resolve(UMBRELLA + "/ci/default-values.yaml"));
        on = Charts.render(UMBRELLA, Charts.SOURCE.resolve(UMBRELLA + "/ci/production-values.yaml"));
    }

    @Test
    void neitherTheDashboardNorTheRulesAreRenderedUnlessEnabled() throws IOException {
        JsonNode defaults = Charts.YAML.readTree(Charts.SOURCE.resolve(UMBRELLA + "/values.yaml").toFile());
        assertThat(defaults.at("/monitoring/grafanaDashboard/enabled").asBoolean()).isFalse();
        assertThat(defaults.at("/monitoring/prometheusRule/enabled").asBoolean()).isFalse();
        assertThat(off.ofKind("PrometheusRule")).isEmpty();
        assertThat(dashboards(off)).isEmpty();
    }

    @Test
    void theDashboardConfigMapCarriesTheDashboardFileVerbatimForTheGrafanaSidecar() throws IOException {
        List<JsonNode> maps = dashboards(on);
        assertThat(maps).hasSize(1);
        JsonNode map = maps.get(0);
        assertThat(map.at("/metadata/namespace").asText()).isEqualTo("monitoring");
        assertThat(map.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
        assertThat(map.at("/metadata/annotations/grafana_folder").asText()).isEqualTo("Countersign");
        String file = Files.readString(DASHBOARD);
        assertThat(map.at("/data/countersign.json").asText()).isEqualTo(file.stripTrailing());
        assertThat(Charts.JSON.readTree(map.at("/data/countersign.json").asText()).path("panels").size())
                .isGreaterThanOrEqualTo(10);
    }

    @Test
    void thePrometheusRuleCarriesTheRulesFileWithTheRunbookBaseUrl() throws IOException {
        List<JsonNode> rules = on.ofKind("PrometheusRule").toList();
        assertThat(rules).hasSize(1);
        JsonNode rule = rules.get(0);
        assertThat(rule.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(rule.at("/metadata/name").asText()).isEqualTo(RELEASE + "-" + UMBRELLA);
        assertThat(rule.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");

        JsonNode expected = Charts.YAML.readTree(RULES.toFile());
        for (JsonNode group : expected.path("groups")) {
            for (JsonNode alert : group.path("rules")) {
                ObjectNode annotations = (ObjectNode) alert.path("annotations");
                annotations.put("runbook_url", "https://git.example.com/countersign/blob/main/"
                        + annotations.path("runbook_url").asText());
            }
        }
        assertThat(rule.path("spec")).isEqualTo(expected);
        assertThat(rule.at("/spec/groups/0/rules/0/annotations/summary").asText()).contains("{{ $labels.outbox }}");
    }

    private static List<JsonNode> dashboards(Charts.Render render) {
        return render.ofKind("ConfigMap")
                .filter(m -> m.at("/metadata/name").asText().equals(RELEASE + "-" + UMBRELLA + "-grafana-dashboard"))
                .toList();
    }
}
