package dev.countersign.common.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BiFunction;

import org.jboss.logging.Logger;

import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.http.IdleTimeouts;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;

/**
 * A GET on another service's {@code /internal/*} route, with the rules every such lookup shares:
 * the shared secret ({@link InternalSecret}), a short timeout (a device is waiting, and a slow
 * answer is no better than none), keep-alive given up before the service's idle timeout
 * ({@link IdleTimeouts}), and no answer in time, a refused connection or an answer that does not
 * fit is 503 {@code service_unavailable} rather than a guess.
 */
public final class InternalClient {

    private static final Logger LOG = Logger.getLogger(InternalClient.class);
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient http;
    private final String baseUrl;
    private final String service;
    private final String unavailable;
    private final InternalSecret secret;

    /**
     * @param service     the called service's name, for the log line
     * @param unavailable the {@code errorDescription} of the 503 when the lookup fails
     */
    public InternalClient(Vertx vertx, String baseUrl, String service, String unavailable, InternalSecret secret) {
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) TIMEOUT.toMillis())
                .setKeepAlive(true)
                .setKeepAliveTimeout((int) IdleTimeouts.clientKeepAlive().toSeconds()));
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.service = service;
        this.unavailable = unavailable;
        this.secret = secret;
    }

    public void close() {
        http.closeAndForget();
    }

    /** A query parameter's value, URL-encoded. */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * GETs {@code pathAndQuery}: {@code read} gets the status (200 or 404; any other fails) and the
     * JSON body (null on 404); whatever it throws, other than an {@link ApiException}, is a 503.
     * {@code what} names the lookup in the log line.
     */
    public <T> Uni<T> get(String pathAndQuery, String what, BiFunction<Integer, JsonObject, T> read) {
        return http.request(secret.authorize(new RequestOptions().setMethod(HttpMethod.GET)
                        .setAbsoluteURI(baseUrl + pathAndQuery).putHeader("Accept", "application/json")))
                .flatMap(request -> request.send())
                .flatMap(response -> response.body().map(body -> {
                    if (response.statusCode() != 200 && response.statusCode() != 404) {
                        throw new IllegalStateException(service + " answered " + response.statusCode());
                    }
                    return read.apply(response.statusCode(),
                            response.statusCode() == 200 ? body.toJsonObject() : null);
                }))
                .ifNoItem().after(TIMEOUT).fail()
                .onFailure(failure -> !(failure instanceof ApiException)).transform(failure -> {
                    LOG.warnf("%s lookup at %s failed: %s", what, service, failure.toString());
                    return new ApiException(ErrorCode.SERVICE_UNAVAILABLE, unavailable);
                });
    }
}
