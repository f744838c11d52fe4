package dev.countersign.helm;

import static dev.countersign.helm.Charts.RELEASE;
import static dev.countersign.helm.Charts.SERVICES;
import static dev.countersign.helm.Charts.UMBRELLA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every chart linted and rendered with every ci/*-values.yaml, and the rendered manifests checked:
 * probes, pinned images, security contexts, HPA iff enabled, Ingress paths == files/routes.yaml,
 * every property the services need, no secret in a ConfigMap; then every document validated
 * strictly against the Kubernetes schemas (SchemaValidation).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HelmChartsTest {

    private final List<Charts.Render> renders = new ArrayList<>();
    private final Map<String, LintResult> lints = new LinkedHashMap<>();

    @BeforeAll
    void renderAll() throws IOException {
        Charts.prepare();
        for (String chart : Charts.APPLICATION_CHARTS) {
            List<Path> files = Charts.valuesFiles(chart);
            assertThat(files).as("ci values files of %s", chart).isNotEmpty();
            for (Path file : files) {
                renders.add(Charts.render(chart, file));
                lints.put(chart + " with " + file.getFileName(), Charts.lint(chart, file));
            }
        }
    }

    @Test
    void everyChartLintsCleanWithEveryValuesFile() {
        assertThat(lints).hasSizeGreaterThanOrEqualTo(8);
        lints.forEach((name, result) -> assertThat(result.isFailed())
                .as("helm lint --strict %s: %s", name, result.getMessages()).isFalse());
    }

    @Test
    void everyChartHasAValuesSchema() {
        for (String chart : Charts.APPLICATION_CHARTS) {
            assertThat(Charts.SOURCE.resolve(chart).resolve("values.schema.json")).isRegularFile();
        }
    }

    @Test
    void everyEnabledServiceHasItsObjects() {
        for (Charts.Render render : renders) {
            for (String service : SERVICES) {
                String name = RELEASE + "-" + service;
                Set<String> kinds = render.documents().stream()
                        .filter(d -> name.equals(d.path("metadata").path("name").asText()))
                        .map(d -> d.path("kind").asText()).collect(Collectors.toSet());
                if (render.serviceEnabled(service)) {
                    assertThat(kinds).as("%s: objects of %s", render.name(), service)
                            .contains("Deployment", "Service", "ConfigMap", "ServiceAccount", "PodDisruptionBudget", "NetworkPolicy");
                } else {
                    assertThat(kinds).as("%s: %s is disabled", render.name(), service).isEmpty();
                }
            }
        }
    }

    @Test
    void containersHaveStartupLivenessAndReadinessProbesOnQuarkusHealth() {
        for (Charts.Render render : renders) {
            render.ofKind("Deployment").forEach(d -> {
                for (JsonNode c : containers(d)) {
                    String where = render.name() + " " + name(d);
                    assertThat(c.at("/startupProbe/httpGet/path").asText()).as(where).isEqualTo("/q/health/started");
                    assertThat(c.at("/livenessProbe/httpGet/path").asText()).as(where).isEqualTo("/q/health/live");
                    assertThat(c.at("/readinessProbe/httpGet/path").asText()).as(where).isEqualTo("/q/health/ready");
                    // /q/* lives on the management port only: the http port answers it with 404.
                    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                        assertThat(c.at("/" + probe + "/httpGet/port").asText()).as(where + " " + probe).isEqualTo("management");
                    }
                    assertThat(c.at("/ports/0/name").asText()).as(where).isEqualTo("http");
                    assertThat(c.at("/ports/1/name").asText()).as(where).isEqualTo("management");
                    assertThat(c.at("/ports/1/containerPort").asInt()).as(where).isEqualTo(9000);
                    assertThat(env(c).get("QUARKUS_MANAGEMENT_PORT").path("value").asText()).as(where).isEqualTo("9000");
                    if (d.at("/spec/template/metadata/annotations").has("prometheus.io/scrape")) {
                        assertThat(d.at("/spec/template/metadata/annotations/prometheus.io~1port").asText()).as(where).isEqualTo("9000");
                    }
                }
            });
        }
    }

    @Test
    void imagesArePinnedNeverLatest() {
        for (Charts.Render render : renders) {
            workloads(render).forEach(w -> {
                for (JsonNode c : containers(w)) {
                    String image = c.path("image").asText();
                    String afterRepository = image.substring(image.lastIndexOf('/') + 1);
                    assertThat(afterRepository).as("%s %s image %s", render.name(), name(w), image)
                            .matches(".+(:[A-Za-z0-9_][A-Za-z0-9_.-]*|@sha256:[0-9a-f]{64})")
                            .doesNotEndWith(":latest");
                }
            });
        }
    }

    @Test
    void latestTagIsRefused() {
        assertThatThrownBy(() -> credentialServiceWith("image.tag", "latest")).hasMessageContaining("latest");
    }

    /** credential-service rendered with its default ci values and one value set. */
    private static String credentialServiceWith(String key, String value) {
        return new Helm(Charts.WORK.resolve("credential-service")).template().withName(RELEASE)
                .withValuesFile(Charts.SOURCE.resolve("credential-service/ci/default-values.yaml"))
                .set(key, value).call();
    }

    @Test
    void nativeRuntimeTakesTheNativeImageAndSmallerResources() throws IOException {
        Charts.Render jvm = find("credential-service", "default-values.yaml");
        Charts.Render nativeDigest = find("credential-service", "production-values.yaml");
        Charts.Render umbrella = find(UMBRELLA, "production-values.yaml");
        JsonNode jvmContainer = containers(deployment(jvm, "credential-service")).get(0);
        assertThat(jvmContainer.path("image").asText()).isEqualTo("ghcr.io/countersign/credential-service:0.1.0");
        // The heap is bounded well below the container's limit: class metadata, code and symbols
        // take about 155-265 MiB beside it (docs/operations.md#jvm-settings).
        assertThat(env(jvmContainer).get("JAVA_OPTS_APPEND").path("value").asText())
                .contains("-XX:+UseSerialGC", "-XX:MaxRAMPercentage=40.0");
        assertThat(containers(deployment(nativeDigest, "credential-service")).get(0).path("image").asText())
                .endsWith("@sha256:" + "0".repeat(64));
        JsonNode nativeChallenge = containers(deployment(umbrella, "challenge-service")).get(0);
        assertThat(nativeChallenge.path("image").asText()).isEqualTo("registry.example.com/countersign/challenge-service:0.1.0-native");
        assertThat(env(nativeChallenge)).doesNotContainKey("JAVA_OPTS_APPEND");
        assertThat(nativeChallenge.at("/resources/limits/memory").asText()).isEqualTo("256Mi");
        assertThat(jvmContainer.at("/resources/limits/memory").asText()).isEqualTo("512Mi");
    }

    @Test
    void workloadsRunNonRootReadOnlyWithoutCapabilities() {
        for (Charts.Render render : renders) {
            workloads(render).forEach(w -> {
                JsonNode pod = w.at("/spec/template/spec");
                for (JsonNode c : containers(w)) {
                    String where = render.name() + " " + name(w) + "/" + c.path("name").asText();
                    JsonNode sc = c.path("securityContext");
                    assertThat(sc.path("runAsNonRoot").asBoolean() || pod.at("/securityContext/runAsNonRoot").asBoolean())
                            .as(where + " runAsNonRoot").isTrue();
                    assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).as(where + " readOnlyRootFilesystem").isTrue();
                    assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true)).as(where + " allowPrivilegeEscalation").isFalse();
                    assertThat(texts(sc.at("/capabilities/drop"))).as(where + " capabilities.drop").contains("ALL");
                    assertThat(texts(sc.at("/capabilities/add"))).as(where + " capabilities.add").isEmpty();
                }
                assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).as(render.name() + " " + name(w)).isFalse();
            });
        }
    }

    @Test
    void horizontalPodAutoscalerExactlyWhenEnabled() {
        for (Charts.Render render : renders) {
            for (String service : SERVICES) {
                if (!render.serviceEnabled(service)) {
                    continue;
                }
                boolean enabled = render.serviceValues(service).at("/autoscaling/enabled").asBoolean();
                List<JsonNode> hpas = render.ofKind("HorizontalPodAutoscaler")
                        .filter(h -> h.at("/spec/scaleTargetRef/name").asText().equals(RELEASE + "-" + service)).toList();
                assertThat(hpas).as("%s: HPA of %s", render.name(), service).hasSize(enabled ? 1 : 0);
                JsonNode deployment = deployment(render, service);
                // With an HPA the Deployment leaves replicas alone, or every upgrade would reset them.
                assertThat(deployment.at("/spec/replicas").isMissingNode()).as("%s: replicas of %s", render.name(), service)
                        .isEqualTo(enabled);
                if (enabled) {
                    assertThat(hpas.get(0).path("apiVersion").asText()).isEqualTo("autoscaling/v2");
                }
            }
        }
        assertThat(renders.stream().flatMap(r -> r.ofKind("HorizontalPodAutoscaler"))).as("some values file enables an HPA").isNotEmpty();
    }

    @Test
    void ingressPathsAreExactlyTheRoutingTable() throws IOException {
        Map<String, String> expected = expectedRoutes();
        assertThat(expected).isNotEmpty();
        for (Charts.Render render : renders.stream().filter(r -> r.chart().equals(UMBRELLA)).toList()) {
            JsonNode values = render.values();
            List<JsonNode> ingresses = render.ofKind("Ingress").toList();
            if (!values.at("/ingress/enabled").asBoolean()) {
                assertThat(ingresses).as(render.name()).isEmpty();
                continue;
            }
            String host = values.at("/ingress/host").asText();
            Map<String, String> onMainHost = new HashMap<>();
            for (JsonNode ingress : ingresses) {
                for (JsonNode rule : ingress.at("/spec/rules")) {
                    for (JsonNode path : rule.at("/http/paths")) {
                        String p = path.path("path").asText();
                        assertThat(p).as(render.name() + " exposes an internal path").doesNotStartWith("/q").doesNotStartWith("/internal");
                        String backend = path.at("/backend/service/name").asText();
                        if (rule.path("host").asText().equals(host)) {
                            assertThat(onMainHost.put(p, backend)).as("%s: %s twice", render.name(), p).isNull();
                        }
                        if (path.path("pathType").asText().equals("Prefix")) {
                            assertThat(p).startsWith("/");
                        } else {
                            assertThat(path.path("pathType").asText()).isEqualTo("ImplementationSpecific");
                            assertThat(ingress.at("/metadata/annotations").path("nginx.ingress.kubernetes.io/use-regex").asText())
                                    .isEqualTo("true");
                        }
                    }
                }
            }
            assertThat(onMainHost).as(render.name() + ": Ingress paths on " + host).isEqualTo(expected);

            // The WebSocket route: on the api-ws host too, with a long read timeout.
            JsonNode ws = ingresses.stream().filter(i -> name(i).endsWith("-websocket")).findFirst().orElseThrow();
            Set<String> wsHosts = StreamSupport.stream(ws.at("/spec/rules").spliterator(), false)
                    .map(r -> r.path("host").asText()).collect(Collectors.toSet());
            assertThat(wsHosts).containsExactlyInAnyOrder(host, values.at("/ingress/wsHost").asText());
            assertThat(ws.at("/metadata/annotations").path("nginx.ingress.kubernetes.io/proxy-read-timeout").asInt()).isGreaterThanOrEqualTo(600);
            // Exactly the routes of services marked websocket: true (today /ws-v1-challenge).
            JsonNode table = Charts.YAML.readTree(Charts.SOURCE.resolve("countersign/files/routes.yaml").toFile());
            List<String> websocketPaths = StreamSupport.stream(table.path("routes").spliterator(), false)
                    .filter(r -> table.path("services").path(r.path("service").asText()).path("websocket").asBoolean())
                    .map(r -> r.has("prefix") ? r.path("prefix").asText() : r.path("pattern").asText() + "(/|$)").toList();
            assertThat(websocketPaths).contains("/ws-v1-challenge");
            assertThat(StreamSupport.stream(ws.at("/spec/rules/0/http/paths").spliterator(), false).map(p -> p.path("path").asText()))
                    .containsExactlyInAnyOrderElementsOf(websocketPaths);
            // Every backend is a Service this render has.
            Set<String> services = render.ofKind("Service").map(HelmChartsTest::name).collect(Collectors.toSet());
            assertThat(services).as(render.name()).containsAll(onMainHost.values());
        }
    }

    @Test
    void httpRouteHasTheSameRoutes() throws IOException {
        Map<String, String> expected = expectedRoutes();
        Charts.Render render = find(UMBRELLA, "production-values.yaml");
        JsonNode route = render.ofKind("HTTPRoute").findFirst().orElseThrow();
        Map<String, String> actual = new HashMap<>();
        for (JsonNode rule : route.at("/spec/rules")) {
            String type = rule.at("/matches/0/path/type").asText();
            assertThat(type).isIn("PathPrefix", "RegularExpression");
            actual.put(rule.at("/matches/0/path/value").asText(), rule.at("/backendRefs/0/name").asText());
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(texts(route.at("/spec/hostnames"))).containsExactly("api.example.com", "api-ws.example.com");
    }

    /** routes.yaml as Kubernetes paths: a prefix as it is, a pattern anchored with the segment rule. */
    private static Map<String, String> expectedRoutes() throws IOException {
        JsonNode table = Charts.YAML.readTree(Charts.SOURCE.resolve("countersign/files/routes.yaml").toFile());
        Map<String, String> routes = new HashMap<>();
        for (JsonNode route : table.path("routes")) {
            String service = route.path("service").asText();
            assertThat(table.path("services").has(service)).as("routes.yaml names service %s", service).isTrue();
            String path = route.has("prefix") ? route.path("prefix").asText() : route.path("pattern").asText() + "(/|$)";
            routes.put(path, RELEASE + "-" + service);
        }
        return routes;
    }

    @Test
    void kafkaTopicsWhenStrimziIsOn() {
        Charts.Render render = find(UMBRELLA, "default-values.yaml");
        Map<String, JsonNode> topics = render.ofKind("KafkaTopic").collect(Collectors.toMap(HelmChartsTest::name, t -> t));
        assertThat(topics).containsOnlyKeys("credential-events", "challenge-events", "challenge-events-dlq", "delivery-events");
        assertThat(topics.get("credential-events").at("/spec/config/cleanup.policy").asText()).isEqualTo("compact");
        assertThat(topics.get("challenge-events").at("/spec/config/retention.ms").asLong()).isEqualTo(86_400_000L);
        assertThat(topics.get("credential-events").at("/metadata/labels/strimzi.io~1cluster").asText()).isEqualTo("countersign");
        assertThat(find(UMBRELLA, "no-ingress-values.yaml").ofKind("KafkaTopic")).isEmpty();
    }

    @Test
    void bundledPostgresAndRedisOnlyWhenEnabled() {
        Charts.Render bundled = find(UMBRELLA, "default-values.yaml");
        Charts.Render external = find(UMBRELLA, "production-values.yaml");
        assertThat(bundled.ofKind("StatefulSet").map(HelmChartsTest::name)).containsExactlyInAnyOrder("cs-postgresql", "cs-redis");
        assertThat(external.ofKind("StatefulSet")).isEmpty();
        Properties credential = applicationProperties(bundled, "credential-service");
        assertThat(credential.getProperty("quarkus.datasource.jdbc.url")).isEqualTo("jdbc:postgresql://cs-postgresql:5432/countersign");
        assertThat(env(containers(deployment(bundled, "credential-service")).get(0)).get("QUARKUS_DATASOURCE_PASSWORD")
                .at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("cs-postgresql");
        assertThat(applicationProperties(bundled, "challenge-service").getProperty("quarkus.redis.hosts")).isEqualTo("redis://cs-redis:6379");
        assertThat(applicationProperties(external, "credential-service").getProperty("quarkus.datasource.reactive.url"))
                .isEqualTo("postgresql://pg.prod.internal:5432/countersign?sslmode=require");
    }

    @Test
    void bundledRedisKeepsNothingByDefault() {
        JsonNode redis = redisStatefulSet(find(UMBRELLA, "default-values.yaml"));
        assertThat(texts(containers(redis).get(0).path("args"))).containsExactly("--save", "", "--appendonly", "no");
        assertThat(redis.at("/spec/template/spec/volumes/0/emptyDir").isObject()).isTrue();
        assertThat(redis.at("/spec/volumeClaimTemplates").isMissingNode()).isTrue();
    }

    @Test
    void bundledRedisWithAppendOnlyFsyncsEverySecondOntoItsClaim() {
        JsonNode redis = redisStatefulSet(find(UMBRELLA, "durable-redis-values.yaml"));
        assertThat(texts(containers(redis).get(0).path("args")))
                .containsExactly("--save", "", "--appendonly", "yes", "--appendfsync", "everysec");
        assertThat(redis.at("/spec/template/spec/volumes").isMissingNode()).isTrue();
        JsonNode claim = redis.at("/spec/volumeClaimTemplates/0");
        assertThat(claim.at("/metadata/name").asText()).isEqualTo("data");
        assertThat(claim.at("/spec/resources/requests/storage").asText()).isEqualTo("2Gi");
        assertThat(claim.at("/spec/storageClassName").asText()).isEqualTo("fast-ssd");
        assertThat(redis.at("/spec/template/spec/securityContext/fsGroup").asInt()).isEqualTo(999);
    }

    @Test
    void anUnknownFsyncPolicyIsRefused() {
        assertThatThrownBy(() -> new Helm(Charts.WORK.resolve(UMBRELLA)).template().withName(RELEASE)
                .withValuesFile(Charts.SOURCE.resolve(UMBRELLA + "/ci/durable-redis-values.yaml"))
                .set("redis.appendfsync", "sometimes").call())
                .hasMessageContaining("appendfsync");
    }

    @Test
    void anOtlpEndpointRendersIntoThatServiceEnvironmentAndTracingIsOffWithoutOne() {
        Charts.Render umbrella = find(UMBRELLA, "production-values.yaml");
        for (String service : List.of("challenge-service", "notifier-service")) {
            assertThat(env(containers(deployment(umbrella, service)).get(0)).get("OTEL_EXPORTER_OTLP_ENDPOINT")
                    .path("value").asText()).isEqualTo("http://otel-collector.observability:4318");
        }
        // Set per service: the one without it does not trace.
        assertThat(env(containers(deployment(umbrella, "credential-service")).get(0)))
                .doesNotContainKey("OTEL_EXPORTER_OTLP_ENDPOINT");
        for (String service : Charts.SERVICES) {
            assertThat(env(containers(deployment(find(service, "default-values.yaml"), service)).get(0)))
                    .doesNotContainKey("OTEL_EXPORTER_OTLP_ENDPOINT");
        }
    }

    @Test
    void challengeServiceTalksToAStandaloneRedisUnlessToldCluster() {
        Properties standalone = applicationProperties(find("challenge-service", "default-values.yaml"), "challenge-service");
        assertThat(standalone.getProperty("quarkus.redis.client-type")).isNull();
        Properties cluster = applicationProperties(find("challenge-service", "production-values.yaml"), "challenge-service");
        assertThat(cluster.getProperty("quarkus.redis.client-type")).isEqualTo("cluster");
        assertThat(cluster.getProperty("quarkus.redis.hosts").split(",")).hasSize(3);
        assertThat(cluster.getProperty("quarkus.redis.master-name")).isNull();
    }

    @Test
    void challengeServiceFindsTheMasterThroughSentinels() throws IOException {
        Helm chart = new Helm(Charts.WORK.resolve("challenge-service"));
        String manifest = chart.template().withName(RELEASE)
                .withValuesFile(Charts.SOURCE.resolve("challenge-service/ci/default-values.yaml"))
                .set("redis.clientType", "sentinel").set("redis.masterName", "countersign")
                .set("redis.hosts", "redis://sentinel-0:26379,redis://sentinel-1:26379").call();
        Charts.Render render = new Charts.Render("challenge-service", Path.of("sentinel"), null, Charts.parse(manifest));
        Properties sentinel = applicationProperties(render, "challenge-service");
        assertThat(sentinel.getProperty("quarkus.redis.client-type")).isEqualTo("sentinel");
        assertThat(sentinel.getProperty("quarkus.redis.master-name")).isEqualTo("countersign");
        assertThat(sentinel.getProperty("quarkus.redis.role")).isEqualTo("master");
        assertThat(sentinel.getProperty("quarkus.redis.hosts")).isEqualTo("redis://sentinel-0:26379,redis://sentinel-1:26379");

        assertThatThrownBy(() -> chart.template().withName(RELEASE)
                .withValuesFile(Charts.SOURCE.resolve("challenge-service/ci/default-values.yaml"))
                .set("redis.clientType", "sentinel").call())
                .hasMessageContaining("redis.masterName is required");
    }

    private static JsonNode redisStatefulSet(Charts.Render render) {
        return render.ofKind("StatefulSet").filter(d -> name(d).equals(RELEASE + "-redis")).findFirst()
                .orElseThrow(() -> new AssertionError(render.name() + ": no Redis StatefulSet"));
    }

    /**
     * What each service cannot start (or work) without, found in its ConfigMap's properties or its
     * environment: the Secret's keys, valueFrom references, or an existingSecret the operator fills
     * with exactly these variables (docs/operations.md).
     */
    @Test
    void everyPropertyTheServicesNeedIsProvided() throws IOException {
        Map<String, List<String>> needed = Map.of(
                "credential-service", List.of("quarkus.datasource.jdbc.url", "quarkus.datasource.reactive.url",
                        "quarkus.datasource.username", "quarkus.datasource.password"),
                "challenge-service", List.of("quarkus.redis.hosts", "countersign.tokens.signing-key"),
                "notifier-service", List.of());
        List<String> common = List.of("kafka.bootstrap.servers", "countersign.tokens.public-keys", "countersign.internal.secret",
                "countersign.services.credential-url", "countersign.services.challenge-url");
        for (Charts.Render render : renders) {
            for (String service : SERVICES) {
                if (!render.serviceEnabled(service)) {
                    continue;
                }
                String where = render.name() + " " + service;
                JsonNode container = containers(deployment(render, service)).get(0);
                Map<String, JsonNode> env = env(container);
                assertThat(env.get("QUARKUS_PROFILE").path("value").asText()).as(where).isEqualTo("kubernetes");
                assertThat(env.get("QUARKUS_CONFIG_LOCATIONS").path("value").asText()).isEqualTo("/etc/countersign/application.properties");
                assertThat(container.at("/volumeMounts/0/mountPath").asText()).isEqualTo("/etc/countersign");

                Properties properties = applicationProperties(render, service);
                Set<String> provided = new HashSet<>(properties.stringPropertyNames());
                env.keySet().forEach(name -> provided.add(propertyOf(name)));
                secretData(render, service).keySet().forEach(name -> provided.add(propertyOf(name)));
                boolean existingSecret = !render.serviceValues(service).path("existingSecret").asText().isEmpty();

                for (String property : Stream.concat(common.stream(), needed.get(service).stream()).toList()) {
                    boolean secretProperty = property.endsWith("password") || property.endsWith("signing-key");
                    assertThat(provided.contains(property) || (secretProperty && existingSecret))
                            .as("%s: %s not provided (has %s)", where, property, provided).isTrue();
                }
                // Every tenant with its hash; a tenant's webhook URL comes with its secret (notifier).
                JsonNode tenants = render.values().at("/global/countersign/tenants");
                assertThat(tenants).as(where).isNotEmpty();
                for (JsonNode tenant : tenants) {
                    String prefix = "countersign.tenants.\"" + tenant.path("id").asText() + "\".";
                    assertThat(properties.getProperty(prefix + "secret-sha256")).as(where).isEqualTo(tenant.path("secretSha256").asText());
                    if (service.equals("notifier-service") && tenant.has("webhookUrl") && !existingSecret) {
                        String variable = ("COUNTERSIGN_TENANTS__" + tenant.path("id").asText() + "__WEBHOOK_SECRET")
                                .replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
                        assertThat(secretData(render, service)).as(where).containsKey(variable);
                    }
                }
                // Unknown countersign.* properties fail the service's start: only the known groups.
                for (String key : properties.stringPropertyNames()) {
                    if (key.startsWith("countersign.")) {
                        assertThat(key).as(where).matches("countersign\\.(tenants\\.\"[^\"]+\"\\.(secret-sha256|allowed-origins|webhook-url|action-states\\.\"[^\"]+\""
                                + (service.equals("credential-service") ? "|attestation\\.(ios|android)\\.[a-z-]+" : "") + ")"
                                + "|tokens\\.(issuer|lifetime|public-keys)|services\\.(credential|challenge)-url|trusted-proxies"
                                + "|notifier\\.(apns|fcm)\\.[a-z-]+|" + service.replace("-service", "") + "\\..+)");
                    }
                }
                // The services' packaged config has the kubernetes profile the pods select.
                String packaged = Files.readString(Charts.PROJECT_ROOT.resolve(service).resolve("src/main/resources/application.properties"));
                assertThat(packaged).as(service).contains("%kubernetes.quarkus.config.profile.parent=prod");
            }
        }
    }

    @Test
    void multilinePemsSurviveThePropertiesFile() {
        Properties properties = applicationProperties(find(UMBRELLA, "production-values.yaml"), "challenge-service");
        String keys = properties.getProperty("countersign.tokens.public-keys");
        assertThat(keys.split(",")).hasSize(2);
        assertThat(keys).startsWith("-----BEGIN PUBLIC KEY-----\nMFkw").contains("\n-----END PUBLIC KEY-----\n");
        assertThat(properties.getProperty("countersign.tenants.\"Acme-Prod\".action-states.\"signIn\"")).isEqualTo("ALLOW");
    }

    @Test
    void noSecretValueInAConfigMapOrPlainEnvironment() {
        int checked = 0;
        for (Charts.Render render : renders) {
            Set<String> secrets = new HashSet<>();
            render.ofKind("Secret").forEach(s -> s.path("data").forEach(v ->
                    secrets.add(new String(Base64.getDecoder().decode(v.asText()), StandardCharsets.UTF_8))));
            collectSecretValues(render.values(), "", secrets);
            secrets.removeIf(s -> s.length() < 8);
            checked += secrets.size();
            String configMaps = render.ofKind("ConfigMap").map(JsonNode::toString).collect(Collectors.joining());
            String plainEnv = workloads(render).flatMap(w -> containers(w).stream())
                    .flatMap(c -> StreamSupport.stream(c.path("env").spliterator(), false))
                    .map(e -> e.path("value").asText()).collect(Collectors.joining("\n"));
            for (String secret : secrets) {
                String jsonEscaped = Charts.JSON.valueToTree(secret).toString();
                String inner = jsonEscaped.substring(1, jsonEscaped.length() - 1);
                assertThat(configMaps).as("%s: a secret in a ConfigMap", render.name()).doesNotContain(inner);
                assertThat(plainEnv).as("%s: a secret as a plain env value", render.name()).doesNotContain(secret);
            }
        }
        assertThat(checked).as("secret values the ci files set").isGreaterThanOrEqualTo(5);
    }

    /** Values whose key says secret: passwords, signing keys, webhook secrets, service accounts. */
    private static void collectSecretValues(JsonNode node, String key, Set<String> into) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> collectSecretValues(e.getValue(), e.getKey(), into));
            if (key.equals("tenantSecrets") || key.equals("secretEnv")) {
                node.forEach(v -> into.add(v.asText()));
            }
        } else if (node.isTextual() && key.matches("(?i).*(password|signingKey|serviceAccount)") && !node.asText().isEmpty()) {
            into.add(node.asText());
        }
    }

    @Test
    void tenantsAttestationPoliciesAreRenderedIntoTheConfigMapAndThePlayKeysComeFromTheirSecret() {
        Charts.Render render = find("credential-service", "production-values.yaml");
        Properties properties = applicationProperties(render, "credential-service");
        String acme = "countersign.tenants.\"Acme-Prod\".attestation.";
        assertThat(properties.getProperty(acme + "ios.mode")).isEqualTo("enforce");
        assertThat(properties.getProperty(acme + "ios.app-id")).isEqualTo("TEAMID1234.com.example.app");
        assertThat(properties.getProperty(acme + "android.mode")).isEqualTo("enforce");
        assertThat(properties.getProperty(acme + "android.package-name")).isEqualTo("com.example.app");
        assertThat(properties.getProperty(acme + "android.max-token-age")).isEqualTo("PT2M");
        assertThat(properties.getProperty("countersign.tenants.\"beta\".attestation.ios.mode")).isEqualTo("record");
        assertThat(properties.getProperty("countersign.tenants.\"beta\".attestation.ios.allow-development")).isEqualTo("true");
        assertThat(properties.getProperty("countersign.tenants.\"beta\".attestation.android.mode")).isNull();
        assertThat(properties.getProperty("countersign.credential.attestation.app-attest-roots"))
                .startsWith("-----BEGIN CERTIFICATE-----\nMIIC").endsWith("-----END CERTIFICATE-----\n");
        assertThat(properties.stringPropertyNames()).noneMatch(key -> key.contains("decryption") || key.contains("verification"));

        Map<String, JsonNode> env = env(containers(deployment(render, "credential-service")).get(0));
        JsonNode decryption = env.get("COUNTERSIGN_TENANTS__ACME_PROD__ATTESTATION_ANDROID_DECRYPTION_KEY");
        JsonNode verification = env.get("COUNTERSIGN_TENANTS__ACME_PROD__ATTESTATION_ANDROID_VERIFICATION_KEY");
        assertThat(decryption.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("acme-play-integrity");
        assertThat(decryption.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("decryption-key");
        assertThat(verification.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("verification-key");
        assertThat(env).doesNotContainKey("COUNTERSIGN_TENANTS__BETA__ATTESTATION_ANDROID_DECRYPTION_KEY");

        // Through the umbrella, with the Secret's own key names.
        Map<String, JsonNode> umbrella = env(containers(deployment(find(UMBRELLA, "production-values.yaml"),
                "credential-service")).get(0));
        assertThat(umbrella.get("COUNTERSIGN_TENANTS__ACME_PROD__ATTESTATION_ANDROID_DECRYPTION_KEY")
                .at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("decryption");
        assertThat(umbrella.get("COUNTERSIGN_TENANTS__ACME_PROD__ATTESTATION_ANDROID_VERIFICATION_KEY")
                .at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("verification");
        // Without attestation values the service keeps its defaults: nothing rendered.
        assertThat(applicationProperties(find("credential-service", "default-values.yaml"), "credential-service")
                .stringPropertyNames()).noneMatch(key -> key.contains("attestation"));
    }

    @Test
    void anAttestationPolicyForATenantTheReleaseDoesNotConfigureFailsTheRender() {
        assertThatThrownBy(() -> credentialServiceWith("attestation.tenants.nobody.ios.mode", "enforce"))
                .hasMessageContaining("attestation.tenants.nobody: no tenant nobody in global.countersign.tenants");
    }

    @Test
    void serviceMonitorExactlyWhenEnabled() {
        for (Charts.Render render : renders) {
            for (String service : SERVICES) {
                if (!render.serviceEnabled(service)) {
                    continue;
                }
                boolean enabled = render.serviceValues(service).at("/metrics/serviceMonitor/enabled").asBoolean();
                List<JsonNode> monitors = render.ofKind("ServiceMonitor").filter(m -> name(m).equals(RELEASE + "-" + service)).toList();
                assertThat(monitors).as("%s: ServiceMonitor of %s", render.name(), service).hasSize(enabled ? 1 : 0);
                if (enabled) {
                    assertThat(monitors.get(0).at("/spec/endpoints/0/path").asText()).isEqualTo("/q/metrics");
                    assertThat(monitors.get(0).at("/spec/endpoints/0/port").asText()).isEqualTo("management");
                    JsonNode servicePorts = render.ofKind("Service").filter(x -> name(x).equals(RELEASE + "-" + service))
                            .findFirst().orElseThrow().at("/spec/ports");
                    assertThat(servicePorts.findValuesAsText("name")).contains("http", "management");
                }
            }
        }
        assertThat(renders.stream().flatMap(r -> r.ofKind("ServiceMonitor"))).as("some values file enables one").isNotEmpty();
    }

    @Test
    void configChangesRollThePods() {
        for (Charts.Render render : renders) {
            render.ofKind("Deployment").forEach(d -> assertThat(d.at("/spec/template/metadata/annotations/checksum~1config").asText())
                    .as(render.name()).matches("[0-9a-f]{64}"));
        }
    }

    @Test
    void everyServiceReadsTheOneInternalSecretFromTheSecretTheUmbrellaCreatesOrTheOperatorNames() {
        Map<String, String> expected = Map.of(
                "default-values.yaml", RELEASE + "-countersign-internal/internal-secret",
                "no-ingress-values.yaml", RELEASE + "-countersign-internal/internal-secret",
                "production-values.yaml", "countersign-internal/secret");
        expected.forEach((file, secretAndKey) -> {
            Charts.Render render = find(UMBRELLA, file);
            for (String service : SERVICES) {
                if (!render.serviceEnabled(service)) {
                    continue;
                }
                JsonNode ref = env(containers(deployment(render, service)).get(0)).get("COUNTERSIGN_INTERNAL_SECRET")
                        .at("/valueFrom/secretKeyRef");
                assertThat(ref.path("name").asText() + "/" + ref.path("key").asText()).as(file + " " + service)
                        .isEqualTo(secretAndKey);
            }
            List<JsonNode> secrets = render.ofKind("Secret")
                    .filter(x -> name(x).equals(RELEASE + "-countersign-internal")).toList();
            if (!file.equals("no-ingress-values.yaml")) {
                // existingSecret: none; generated: a pre-install hook, which helm-java's render leaves
                // out like every hook (checked as text below).
                assertThat(secrets).as(file).isEmpty();
                return;
            }
            assertThat(secrets).as(file).hasSize(1);
            String value = new String(Base64.getDecoder().decode(secrets.get(0).at("/data/internal-secret").asText()),
                    StandardCharsets.UTF_8);
            assertThat(value).isEqualTo("ci-internal-secret-0123456789abcdef0123");
            assertThat(secrets.get(0).at("/metadata/annotations/helm.sh~1hook").asText())
                    .as("from values: an ordinary part of the release").isEmpty();
        });
    }

    @Test
    void aGeneratedInternalSecretIsMadeOnceAtInstallAndLongEnough() throws IOException {
        // Not in helm-java's render (hooks are kept apart from the manifest): the template itself.
        String template = Files.readString(Charts.SOURCE.resolve(UMBRELLA + "/templates/internal-secret.yaml"));
        assertThat(template).contains("helm.sh/hook: pre-install").contains("randAlphaNum 48")
                .contains("{{- if not $s.value }}");
    }

    @Test
    void aShortInternalSecretIsRefused() {
        assertThatThrownBy(() -> new Helm(Charts.WORK.resolve(UMBRELLA)).template().withName(RELEASE)
                .withValuesFile(Charts.SOURCE.resolve(UMBRELLA + "/ci/default-values.yaml"))
                .set("global.countersign.internalSecret.value", "too-short").call())
                .hasMessageContaining("at least 32 characters");
    }

    @Test
    void logFormatJsonRendersTheJsonConsoleSwitchIntoEveryServicesEnvironment() throws IOException {
        for (Charts.Render render : renders) {
            for (JsonNode deployment : render.ofKind("Deployment").filter(d -> SERVICES.stream()
                    .anyMatch(service -> name(d).equals(RELEASE + "-" + service))).toList()) {
                assertThat(env(containers(deployment).get(0)).get("QUARKUS_LOG_CONSOLE_JSON_ENABLED").path("value").asText())
                        .as("%s %s: text by default", render.name(), name(deployment)).isEqualTo("false");
            }
        }
        String umbrella = new Helm(Charts.WORK.resolve(UMBRELLA)).template().withName(RELEASE)
                .withValuesFile(Charts.SOURCE.resolve(UMBRELLA + "/ci/default-values.yaml"))
                .set("global.countersign.logFormat", "json").set("challenge-service.logFormat", "text").call();
        List<JsonNode> documents = Charts.parse(umbrella);
        Map<String, String> jsonEnabled = new LinkedHashMap<>();
        documents.stream().filter(d -> d.path("kind").asText().equals("Deployment"))
                .forEach(d -> jsonEnabled.put(name(d), env(containers(d).get(0))
                        .getOrDefault("QUARKUS_LOG_CONSOLE_JSON_ENABLED", YAML_MISSING).path("value").asText()));
        // The global value for all, a service's own logFormat over it.
        assertThat(jsonEnabled).containsEntry(RELEASE + "-credential-service", "true")
                .containsEntry(RELEASE + "-notifier-service", "true")
                .containsEntry(RELEASE + "-challenge-service", "false");
        JsonNode single = containers(Charts.parse(credentialServiceWith("logFormat", "json")).stream()
                .filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow()).get(0);
        assertThat(env(single).get("QUARKUS_LOG_CONSOLE_JSON_ENABLED").path("value").asText()).isEqualTo("true");
    }

    @Test
    void anUnknownLogFormatIsRefused() {
        assertThatThrownBy(() -> credentialServiceWith("logFormat", "xml")).hasMessageContaining("logFormat");
    }

    @Test
    void notifierPodsKnowTheirNameForPerReplicaConsumerGroups() {
        JsonNode container = containers(deployment(find(UMBRELLA, "default-values.yaml"), "notifier-service")).get(0);
        assertThat(env(container).get("POD_NAME").at("/valueFrom/fieldRef/fieldPath").asText()).isEqualTo("metadata.name");
    }

    @Test
    void everyRenderedDocumentIsValidAgainstTheKubernetesSchemas() throws Exception {
        List<JsonNode> all = renders.stream().flatMap(r -> r.documents().stream()).toList();
        SchemaValidation.Result result = SchemaValidation.validate(all);
        System.out.println("[schema-check] " + result.output().strip());
        assertThat(result.exitCode()).as("strict schema validation:%n%s", result.output()).isZero();
        assertThat(result.output()).contains("validated " + all.size() + " documents, 0 problems");
    }

    @Test
    void schemaValidationReportsAMisspeltField() throws Exception {
        JsonNode deployment = deployment(find("credential-service", "default-values.yaml"), "credential-service").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) deployment.at("/spec/template/spec/containers/0")).put("imagePullPolice", "Always");
        SchemaValidation.Result result = SchemaValidation.validate(List.of(deployment));
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("containers/0/imagePullPolice: unknown field");
    }

    // --- helpers

    private Charts.Render find(String chart, String valuesFile) {
        return renders.stream().filter(r -> r.chart().equals(chart) && r.valuesFile().getFileName().toString().equals(valuesFile))
                .findFirst().orElseThrow(() -> new AssertionError("no render of " + chart + " with " + valuesFile));
    }

    private static JsonNode deployment(Charts.Render render, String service) {
        return render.ofKind("Deployment").filter(d -> name(d).equals(RELEASE + "-" + service)).findFirst()
                .orElseThrow(() -> new AssertionError(render.name() + ": no Deployment of " + service));
    }

    private static Properties applicationProperties(Charts.Render render, String service) {
        JsonNode configMap = render.ofKind("ConfigMap").filter(d -> name(d).equals(RELEASE + "-" + service)).findFirst()
                .orElseThrow(() -> new AssertionError(render.name() + ": no ConfigMap of " + service));
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(configMap.at("/data/application.properties").asText()));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return properties;
    }

    private static Map<String, String> secretData(Charts.Render render, String service) {
        Map<String, String> data = new HashMap<>();
        render.ofKind("Secret").filter(d -> name(d).equals(RELEASE + "-" + service))
                .forEach(s -> s.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText())));
        return data;
    }

    /** The property an environment variable stands for (SmallRye: lower case, '_' → '.'). */
    private static String propertyOf(String variable) {
        return switch (variable) {
            case "QUARKUS_DATASOURCE_PASSWORD" -> "quarkus.datasource.password";
            case "COUNTERSIGN_TOKENS_SIGNING_KEY" -> "countersign.tokens.signing-key";
            case "QUARKUS_REDIS_PASSWORD" -> "quarkus.redis.password";
            default -> variable.toLowerCase().replace('_', '.');
        };
    }

    private static Stream<JsonNode> workloads(Charts.Render render) {
        return render.documents().stream().filter(d -> Set.of("Deployment", "StatefulSet").contains(d.path("kind").asText()));
    }

    private static List<JsonNode> containers(JsonNode workload) {
        List<JsonNode> list = new ArrayList<>();
        workload.at("/spec/template/spec/containers").forEach(list::add);
        workload.at("/spec/template/spec/initContainers").forEach(list::add);
        return list;
    }

    private static final JsonNode YAML_MISSING = com.fasterxml.jackson.databind.node.MissingNode.getInstance();

    private static Map<String, JsonNode> env(JsonNode container) {
        Map<String, JsonNode> env = new LinkedHashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
        return env;
    }

    private static List<String> texts(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }

    private static String name(JsonNode document) {
        return document.at("/metadata/name").asText();
    }
}
