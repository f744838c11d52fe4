package dev.countersign.common.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import dev.countersign.common.error.ErrorCode;

/**
 * Refuses a {@code ;} in the request path before any route runs. JAX-RS reads it as a matrix
 * parameter and drops it, so {@code /users/x;y=1} would be user {@code x} and {@code /users/;x} the
 * empty user: two spellings of one resource, which a proxy or a log would tell apart. No route of the
 * protocol uses matrix parameters; an encoded {@code %3B} stays part of the segment's value.
 */
@Singleton
public class NoMatrixParameters {

    static final String DESCRIPTION = "Path segments must not carry ';' parameters";

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(NoMatrixParameters::check);
    }

    private static void check(RoutingContext ctx) {
        // path() is the raw path, before percent-decoding, without the query.
        String path = ctx.request().path();
        if (path == null || path.indexOf(';') < 0) {
            ctx.next();
            return;
        }
        ctx.response()
                .setStatusCode(400)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(ErrorCode.INVALID_REQUEST.body(DESCRIPTION).toJson());
    }
}
