package dev.countersign.common.http;

import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.countersign.common.config.CountersignConfig;

/**
 * Names the answering service on every response ({@code X-Countersign-Service}) when
 * {@code countersign.service-name-header} is on, so an operator behind the edge, and the routing
 * tests, can tell which service a path reached. Off by default: it tells any client how the
 * deployment is split.
 */
@Singleton
public class ServiceNameHeader {

    public static final String HEADER = "X-Countersign-Service";

    private final boolean enabled;
    private final String serviceName;

    @Inject
    public ServiceNameHeader(CountersignConfig config,
            @ConfigProperty(name = "quarkus.application.name") String serviceName) {
        this(config.serviceNameHeader(), serviceName);
    }

    public ServiceNameHeader(boolean enabled, String serviceName) {
        this.enabled = enabled;
        this.serviceName = serviceName;
    }

    public void install(@Observes Router router) {
        if (!enabled) {
            return;
        }
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            ctx.response().putHeader(HEADER, serviceName);
            ctx.next();
        });
    }
}
