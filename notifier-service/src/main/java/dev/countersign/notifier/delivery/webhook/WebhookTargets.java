package dev.countersign.notifier.delivery.webhook;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Singleton;

import dev.countersign.common.config.CountersignConfig;
import io.quarkus.runtime.Startup;

/**
 * The tenants that want the {@code push.created} webhook. Checked at start: a URL without a secret
 * (an unsigned webhook) or a URL that is not absolute http(s) stops the service rather than fail
 * every delivery later.
 */
@Singleton
@Startup
public class WebhookTargets {

    /** Where and with which key one tenant's webhooks go. */
    public record Target(URI url, String secret) {

        @Override
        public String toString() {
            return "Target[url=" + url.getScheme() + "://" + url.getAuthority() + "]";
        }
    }

    private final Map<String, Target> byTenant;

    public WebhookTargets(CountersignConfig config) {
        Map<String, Target> targets = new LinkedHashMap<>();
        config.tenants().forEach((tenantId, tenant) -> tenant.webhookUrl().filter(url -> !url.isBlank()).ifPresent(url -> {
            String secret = tenant.webhookSecret().filter(s -> !s.isBlank()).orElseThrow(() -> new IllegalStateException(
                    "countersign.tenants.\"" + tenantId + "\".webhook-url needs webhook-secret as well"));
            URI uri;
            try {
                uri = URI.create(url.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("countersign.tenants.\"" + tenantId + "\".webhook-url is not a URL");
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalStateException("countersign.tenants.\"" + tenantId + "\".webhook-url must be an absolute http(s) URL");
            }
            targets.put(tenantId, new Target(uri, secret));
        }));
        this.byTenant = Map.copyOf(targets);
    }

    public Optional<Target> of(String tenantId) {
        return Optional.ofNullable(tenantId).map(byTenant::get);
    }
}
