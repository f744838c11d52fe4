package dev.countersign.common.http;

import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Names the answering service on every response ({@code X-Countersign-Service}), so an operator
 * behind the edge, and the routing tests, can tell which service a path reached.
 */
@Singleton
public class ServiceNameHeader {

    public static final String HEADER = "X-Countersign-Service";

    @ConfigProperty(name = "quarkus.application.name")
    String serviceName;

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            ctx.response().putHeader(HEADER, serviceName);
            ctx.next();
        });
    }
}
