package dev.countersign.local.launcher;

import static dev.countersign.local.infra.InfrastructureSettings.setting;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import dev.countersign.local.infra.InfrastructureSettings;

/**
 * What the run command reads from its environment (or system properties, for tests):
 * {@code COUNTERSIGN_PORT} (edge port, default 8080; 0 picks a free one),
 * {@code COUNTERSIGN_TENANT_ID} (default {@code demo}), {@code COUNTERSIGN_ALLOWED_ORIGINS} (browser
 * origins, comma-separated, allowed to call the Client API for that tenant), {@code COUNTERSIGN_HOME} (the project
 * checkout holding the packaged services), {@code COUNTERSIGN_LOG_DIR} (service logs; default in
 * the run directory), {@code COUNTERSIGN_WEBHOOK_URL} (where the notifier sends the demo tenant's
 * signed {@code push.created} webhook; unset: no webhook), {@code COUNTERSIGN_NOTIFIER_REPLICAS}
 * (notifier-service processes, default 1; the edge routes to the first, each has its own port) and
 * the infrastructure addresses of {@link InfrastructureSettings}.
 */
public record StackSettings(
        int edgePort,
        String tenantId,
        Optional<String> allowedOrigins,
        Path projectRoot,
        Optional<Path> logDir,
        Optional<String> webhookUrl,
        InfrastructureSettings infrastructure,
        int notifierReplicas) {

    public StackSettings {
        if (notifierReplicas < 1) {
            throw new IllegalArgumentException("COUNTERSIGN_NOTIFIER_REPLICAS must be at least 1");
        }
    }

    public static StackSettings fromEnvironment() {
        return new StackSettings(
                Integer.parseInt(setting("COUNTERSIGN_PORT", "countersign.port").orElse("8080")),
                setting("COUNTERSIGN_TENANT_ID", "countersign.tenant-id").orElse("demo"),
                setting("COUNTERSIGN_ALLOWED_ORIGINS", "countersign.allowed-origins"),
                setting("COUNTERSIGN_HOME", "countersign.project-root").map(Path::of).orElseGet(StackSettings::findProjectRoot),
                setting("COUNTERSIGN_LOG_DIR", "countersign.log-dir").map(Path::of),
                setting("COUNTERSIGN_WEBHOOK_URL", "countersign.webhook-url").filter(url -> !url.isBlank()),
                InfrastructureSettings.fromEnvironment(),
                Integer.parseInt(setting("COUNTERSIGN_NOTIFIER_REPLICAS", "countersign.notifier-replicas").orElse("1")));
    }

    public StackSettings withEdgePort(int port) {
        return new StackSettings(port, tenantId, allowedOrigins, projectRoot, logDir, webhookUrl, infrastructure, notifierReplicas);
    }

    public StackSettings withWebhookUrl(String url) {
        return new StackSettings(edgePort, tenantId, allowedOrigins, projectRoot, logDir, Optional.of(url), infrastructure,
                notifierReplicas);
    }

    public StackSettings withAllowedOrigins(String origins) {
        return new StackSettings(edgePort, tenantId, Optional.of(origins), projectRoot, logDir, webhookUrl, infrastructure,
                notifierReplicas);
    }

    public StackSettings withNotifierReplicas(int replicas) {
        return new StackSettings(edgePort, tenantId, allowedOrigins, projectRoot, logDir, webhookUrl, infrastructure, replicas);
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
