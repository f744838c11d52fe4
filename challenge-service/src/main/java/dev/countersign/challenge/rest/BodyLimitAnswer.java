package dev.countersign.challenge.rest;

import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.countersign.common.error.ErrorCode;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/**
 * Quarkus refuses a declared {@code Content-Length} over {@code quarkus.http.limits.max-body-size}
 * with an empty 413, before any error handler runs; this answers first, in the error model's JSON.
 * Belongs in common beside {@code FrameworkErrorResponses} (see the issue-3 report).
 */
@Singleton
public class BodyLimitAnswer {

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    Optional<MemorySize> limit;

    void install(@Observes Router router) {
        if (limit.isEmpty()) {
            return;
        }
        long max = limit.get().asLongValue();
        String body = ErrorCode.PAYLOAD_TOO_LARGE.body("Request body too large").toJson();
        router.route().order(Integer.MIN_VALUE + 1).handler(ctx -> {
            String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (declared != null && declared.chars().allMatch(Character::isDigit) && declared.length() < 19
                    && Long.parseLong(declared) > max) {
                ctx.response().setStatusCode(413)
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end(body);
                return;
            }
            ctx.next();
        });
    }
}
