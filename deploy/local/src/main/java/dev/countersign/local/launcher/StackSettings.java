package dev.countersign.local.launcher;

import static dev.countersign.local.infra.InfrastructureSettings.setting;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.countersign.common.wire.Identifiers;
import dev.countersign.local.infra.InfrastructureSettings;

/**
 * What the run command reads from its environment (or system properties, for tests):
 * {@code COUNTERSIGN_PORT} (edge port, default 8080; 0 picks a free one),
 * {@code COUNTERSIGN_TENANTS} (tenant ids, comma-separated, the first being the demo tenant; default
 * {@code COUNTERSIGN_TENANT_ID}, itself default {@code demo}), {@code COUNTERSIGN_ALLOWED_ORIGINS} (browser
 * origins, comma-separated, allowed to call the Client API for every tenant; default
 * {@link #LOCAL_ORIGINS}), {@code COUNTERSIGN_HOME} (the project
 * checkout holding the packaged services), {@code COUNTERSIGN_LOG_DIR} (service logs; default in
 * the run directory), {@code COUNTERSIGN_WEBHOOK_URL} (where the notifier sends the demo tenant's
 * signed {@code push.created} webhook; unset: no webhook), the notifier's APNs / FCM channels
 * ({@link #PUSH_CHANNEL_VARIABLES}, passed to the notifier as they are; none set: no channel),
 * {@code COUNTERSIGN_NOTIFIER_REPLICAS} (notifier-service processes, default 1; the edge routes to
 * the first, each has its own port), {@code COUNTERSIGN_BENCHMARK} ({@code true}: the benchmark profile,
 * {@link CountersignStack#benchmarkEnvironment}), {@code OTEL_EXPORTER_OTLP_ENDPOINT} (an OTLP/HTTP receiver
 * every service exports its spans to, docs/observability.md#tracing; unset: no tracing) and the infrastructure
 * addresses of {@link InfrastructureSettings}.
 *
 * @param pushChannels the notifier's {@code COUNTERSIGN_NOTIFIER_APNS_* / _FCM_* / _PUSH_*} environment
 */
public record StackSettings(
        int edgePort,
        List<String> tenantIds,
        Optional<String> allowedOrigins,
        Path projectRoot,
        Optional<Path> logDir,
        Optional<String> webhookUrl,
        InfrastructureSettings infrastructure,
        Map<String, String> pushChannels,
        int notifierReplicas,
        boolean benchmark,
        Optional<String> otlpEndpoint) {

    /**
     * The notifier's APNs and FCM settings the run command passes on (docs/notifier-service.md):
     * each read from the variable or the system property of the same key
     * ({@code COUNTERSIGN_NOTIFIER_APNS_TEAM_ID} / {@code countersign.notifier.apns.team-id}).
     * APNs: the p8 key ({@code SIGNING_KEY} PEM text or {@code SIGNING_KEY_PATH}), {@code TEAM_ID},
     * {@code KEY_ID}, {@code TOPIC}, {@code PRODUCTION}, and for another server (a mock) {@code HOST},
     * {@code PORT}, {@code TRUSTED_CERTIFICATES_PATH}; FCM: {@code SERVICE_ACCOUNT} (JSON text) or
     * {@code SERVICE_ACCOUNT_PATH}, {@code PROJECT_ID}, {@code TOKEN_URI}, {@code BASE_URL}; the
     * notification's {@code PUSH_TITLE} / {@code PUSH_BODY}.
     */
    public static final List<String> PUSH_CHANNEL_VARIABLES = List.of(
            "COUNTERSIGN_NOTIFIER_APNS_SIGNING_KEY", "COUNTERSIGN_NOTIFIER_APNS_SIGNING_KEY_PATH",
            "COUNTERSIGN_NOTIFIER_APNS_TEAM_ID", "COUNTERSIGN_NOTIFIER_APNS_KEY_ID", "COUNTERSIGN_NOTIFIER_APNS_TOPIC",
            "COUNTERSIGN_NOTIFIER_APNS_PRODUCTION", "COUNTERSIGN_NOTIFIER_APNS_HOST", "COUNTERSIGN_NOTIFIER_APNS_PORT",
            "COUNTERSIGN_NOTIFIER_APNS_TRUSTED_CERTIFICATES_PATH", "COUNTERSIGN_NOTIFIER_FCM_SERVICE_ACCOUNT",
            "COUNTERSIGN_NOTIFIER_FCM_SERVICE_ACCOUNT_PATH", "COUNTERSIGN_NOTIFIER_FCM_PROJECT_ID",
            "COUNTERSIGN_NOTIFIER_FCM_TOKEN_URI", "COUNTERSIGN_NOTIFIER_FCM_BASE_URL",
            "COUNTERSIGN_NOTIFIER_PUSH_TITLE", "COUNTERSIGN_NOTIFIER_PUSH_BODY");

    /** What a browser developer's page runs on: any port of this machine, by either name. */
    public static final String LOCAL_ORIGINS = "http://localhost:*,http://127.0.0.1:*";

    public StackSettings {
        tenantIds = List.copyOf(tenantIds);
        if (tenantIds.isEmpty()) {
            throw new IllegalArgumentException("COUNTERSIGN_TENANTS names no tenant");
        }
        for (String id : tenantIds) {
            // The services' own rule: the id becomes a configuration map key and part of an environment variable.
            if (!Identifiers.isTenantId(id)) {
                throw new IllegalArgumentException("Tenant id '" + id + "' is not 1 to 64 of A-Z, a-z, 0-9, '_' and '-'");
            }
        }
        if (Set.copyOf(tenantIds).size() != tenantIds.size()) {
            throw new IllegalArgumentException("COUNTERSIGN_TENANTS names a tenant twice: " + tenantIds);
        }
        if (notifierReplicas < 1) {
            throw new IllegalArgumentException("COUNTERSIGN_NOTIFIER_REPLICAS must be at least 1");
        }
    }

    public static StackSettings fromEnvironment() {
        return new StackSettings(
                Integer.parseInt(setting("COUNTERSIGN_PORT", "countersign.port").orElse("8080")),
                tenantIds(setting("COUNTERSIGN_TENANTS", "countersign.tenants")
                        .orElseGet(() -> setting("COUNTERSIGN_TENANT_ID", "countersign.tenant-id").orElse("demo"))),
                setting("COUNTERSIGN_ALLOWED_ORIGINS", "countersign.allowed-origins").or(() -> Optional.of(LOCAL_ORIGINS)),
                setting("COUNTERSIGN_HOME", "countersign.project-root").map(Path::of).orElseGet(StackSettings::findProjectRoot),
                setting("COUNTERSIGN_LOG_DIR", "countersign.log-dir").map(Path::of),
                setting("COUNTERSIGN_WEBHOOK_URL", "countersign.webhook-url").filter(url -> !url.isBlank()),
                InfrastructureSettings.fromEnvironment(),
                pushChannelsFromEnvironment(),
                Integer.parseInt(setting("COUNTERSIGN_NOTIFIER_REPLICAS", "countersign.notifier-replicas").orElse("1")),
                Boolean.parseBoolean(setting("COUNTERSIGN_BENCHMARK", "countersign.benchmark").orElse("false")),
                setting("OTEL_EXPORTER_OTLP_ENDPOINT", "otel.exporter.otlp.endpoint").filter(url -> !url.isBlank()));
    }

    /** {@code COUNTERSIGN_TENANTS}' value as ids: comma-separated, blanks around them ignored. */
    static List<String> tenantIds(String value) {
        return Arrays.stream(value.split(",", -1)).map(String::strip).toList();
    }

    /** The demo tenant: the first one. */
    public String tenantId() {
        return tenantIds.get(0);
    }

    private static Map<String, String> pushChannelsFromEnvironment() {
        Map<String, String> channels = new LinkedHashMap<>();
        for (String variable : PUSH_CHANNEL_VARIABLES) {
            // COUNTERSIGN_NOTIFIER_APNS_TEAM_ID → countersign.notifier.apns.team-id
            String[] parts = variable.toLowerCase(Locale.ROOT).split("_", 4);
            String property = parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[3].replace('_', '-');
            setting(variable, property).ifPresent(value -> channels.put(variable, value));
        }
        return Map.copyOf(channels);
    }

    /** With these notifier push-channel variables instead (tests: a mock APNs and a local FCM). */
    public StackSettings withPushChannels(Map<String, String> variables) {
        if (!PUSH_CHANNEL_VARIABLES.containsAll(variables.keySet())) {
            throw new IllegalArgumentException("Not a push channel setting: " + variables.keySet());
        }
        return new StackSettings(edgePort, tenantIds, allowedOrigins, projectRoot, logDir, webhookUrl, infrastructure,
                Map.copyOf(variables), notifierReplicas, benchmark, otlpEndpoint);
    }

    /** With these tenants, the first being the demo tenant. */
    public StackSettings withTenantIds(List<String> ids) {
        return new StackSettings(edgePort, ids, allowedOrigins, projectRoot, logDir, webhookUrl, infrastructure,
                pushChannels, notifierReplicas, benchmark, otlpEndpoint);
    }

    public StackSettings withEdgePort(int port) {
        return new StackSettings(port, tenantIds, allowedOrigins, projectRoot, logDir, webhookUrl, infrastructure,
                pushChannels, notifierReplicas, benchmark, otlpEndpoint);
    }

    public StackSettings withWebhookUrl(String url) {
        return new StackSettings(edgePort, tenantIds, allowedOrigins, projectRoot, logDir, Optional.of(url), infrastructure,
                pushChannels, notifierReplicas, benchmark, otlpEndpoint);
    }

    public StackSettings withAllowedOrigins(String origins) {
        return new StackSettings(edgePort, tenantIds, Optional.of(origins), projectRoot, logDir, webhookUrl, infrastructure,
                pushChannels, notifierReplicas, benchmark, otlpEndpoint);
    }

    public StackSettings withNotifierReplicas(int replicas) {
        return new StackSettings(edgePort, tenantIds, allowedOrigins, projectRoot, logDir, webhookUrl, infrastructure,
                pushChannels, replicas, benchmark, otlpEndpoint);
    }

    /** With the services' spans exported to this OTLP/HTTP endpoint. */
    public StackSettings withOtlpEndpoint(String endpoint) {
        return new StackSettings(edgePort, tenantIds, allowedOrigins, projectRoot, logDir, webhookUrl, infrastructure,
                pushChannels, notifierReplicas, benchmark, Optional.of(endpoint));
    }

    /** With the services' logs in this directory (a second stack in one build must not share the first one's files). */
    public StackSettings withLogDir(Path dir) {
        return new StackSettings(edgePort, tenantIds, allowedOrigins, projectRoot, Optional.of(dir), webhookUrl, infrastructure,
                pushChannels, notifierReplicas, benchmark, otlpEndpoint);
    }

    /** With or without the benchmark profile's budgets ({@code COUNTERSIGN_BENCHMARK}). */
    public StackSettings withBenchmark(boolean on) {
        return new StackSettings(edgePort, tenantIds, allowedOrigins, projectRoot, logDir, webhookUrl, infrastructure,
                pushChannels, notifierReplicas, on, otlpEndpoint);
    }

    /** The nearest directory, from here upwards, that holds the service modules. */
    private static Path findProjectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
            if (Files.isDirectory(candidate.resolve(CountersignService.CREDENTIAL.serviceName()))) {
                return candidate;
            }
        }
        return dir;
    }
}
