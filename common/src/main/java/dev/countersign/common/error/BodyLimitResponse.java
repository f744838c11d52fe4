package dev.countersign.common.error;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/**
 * A body whose Content-Length is over the limit gets 413 in the error model's JSON. Quarkus
 * answers that case itself (route order -2) with an empty body, before common's error handlers
 * can see it; this runs just before it.
 */
@Singleton
public class BodyLimitResponse {

    /** Quarkus' own Content-Length check is at order -2. */
    private static final int BEFORE_QUARKUS_LIMIT = -3;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize maxBodySize;

    void install(@Observes Router router) {
        long limit = maxBodySize.asLongValue();
        router.route().order(BEFORE_QUARKUS_LIMIT).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && isOver(length, limit)) {
                ctx.response()
                        .setStatusCode(413)
                        // The rest of the body is not read: the connection cannot be reused.
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(ErrorCode.PAYLOAD_TOO_LARGE.body("Request body too large").toJson());
                return;
            }
            ctx.next();
        });
    }

    private static boolean isOver(String length, long limit) {
        try {
            return Long.parseLong(length.strip()) > limit;
        } catch (NumberFormatException e) {
            // Left to the HTTP layer, which refuses a malformed Content-Length itself.
            return false;
        }
    }
}
