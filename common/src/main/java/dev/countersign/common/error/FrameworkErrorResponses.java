package dev.countersign.common.error;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Answers that the HTTP layer writes before any endpoint runs (no route, body over the limit,
 * a failed route without a response) in the same JSON shape as our own errors.
 */
@Singleton
public class FrameworkErrorResponses {

    void install(@Observes Router router) {
        for (int status : new int[] {400, 404, 405, 406, 413, 415, 500}) {
            router.errorHandler(status, FrameworkErrorResponses::respond);
        }
    }

    private static void respond(RoutingContext ctx) {
        if (ctx.response().headWritten()) {
            return;
        }
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        ErrorBody body = status >= 500
                ? ErrorCode.SERVER_ERROR.body("Internal error")
                : ErrorCode.forStatus(status).body(ApiExceptionMappers.describe(status));
        ctx.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(body.toJson());
    }
}
