package dev.countersign.local.edge;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.countersign.common.error.BodyLimit;
import dev.countersign.common.error.ErrorBody;
import dev.countersign.common.error.ErrorCode;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyOptions;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;

/**
 * The local edge: one port serving the public API, routed to the services by {@link RouteTable}
 * through Vert.x' reverse proxy (which also carries WebSocket upgrades). It plays the Ingress'
 * part, so it adds {@code X-Forwarded-*}; paths outside the table get the JSON 404 of the error model.
 */
public final class Edge implements AutoCloseable {

    private final Vertx vertx;
    private final HttpServer server;

    private Edge(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static Edge start(String host, int port, RouteTable routes, Map<String, InetSocketAddress> services) {
        for (String service : routes.services()) {
            if (!services.containsKey(service)) {
                throw new IllegalArgumentException("No address for " + service);
            }
        }
        Vertx vertx = Vertx.vertx();
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(64));
        // One proxy per service with a fixed origin: the route table is matched once per request.
        Map<String, HttpProxy> proxies = new HashMap<>();
        services.forEach((name, address) -> proxies.put(name,
                HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(true), client)
                        .origin(address.getPort(), address.getHostString())
                        .addInterceptor(new ChunkedBodyLimit())));
        // No h2c: Vert.x (here and in the services) answers an h2c upgrade without HTTP2-Settings with
        // an empty 400 and leaves the connection hanging. The edge ignores the offer, as RFC 9113
        // lets a server, and serves the request as HTTP/1.1 (see dropNonWebSocketUpgrade).
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
                        .setHttp2ClearTextEnabled(false))
                .requestHandler(request -> {
                    if (!isParsableUri(request.uri())) {
                        refuse(request, 400, ErrorCode.INVALID_REQUEST.body("Invalid request URI"));
                        return;
                    }
                    if (!isCanonical(request.path())) {
                        refuse(request, 400, ErrorCode.INVALID_REQUEST.body("Path must be canonical"));
                        return;
                    }
                    // Every Transfer-Encoding line counts: a second one beside "chunked" makes the proxy answer an empty 400.
                    List<String> codings = request.headers().getAll("Transfer-Encoding");
                    if (!codings.isEmpty() && (codings.size() > 1 || !codings.get(0).strip().equalsIgnoreCase("chunked"))) {
                        // Where the body ends is unknown, so the connection cannot be reused.
                        request.response().putHeader("Connection", "close")
                                .endHandler(ignored -> request.connection().close());
                        refuse(request, 400, ErrorCode.INVALID_REQUEST.body("Unsupported transfer coding"));
                        return;
                    }
                    Optional<String> service = routes.serviceFor(request.path());
                    if (service.isEmpty()) {
                        notFound(request);
                        return;
                    }
                    dropNonWebSocketUpgrade(request);
                    addForwardedHeaders(request);
                    proxies.get(service.get()).handle(request);
                })
                .invalidRequestHandler(Edge::invalidRequest);
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("The edge cannot listen on " + host + ":" + port, e);
        }
        return new Edge(vertx, server);
    }

    /** An upgrade to anything but a WebSocket (h2c) is not offered to the services, which would hang on it. */
    private static void dropNonWebSocketUpgrade(HttpServerRequest request) {
        String upgrade = request.getHeader("Upgrade");
        if (upgrade != null && !upgrade.strip().equalsIgnoreCase("websocket")) {
            request.headers().remove("Upgrade").remove("HTTP2-Settings");
        }
    }

    /** Appends the peer to {@code X-Forwarded-For} like nginx' {@code $proxy_add_x_forwarded_for}. */
    private static void addForwardedHeaders(HttpServerRequest request) {
        String peer = request.remoteAddress().hostAddress();
        String forwarded = request.getHeader("X-Forwarded-For");
        request.headers().set("X-Forwarded-For", forwarded == null || forwarded.isBlank() ? peer : forwarded + ", " + peer);
        request.headers().set("X-Forwarded-Proto", request.isSSL() ? "https" : "http");
        if (request.authority() != null) {
            request.headers().set("X-Forwarded-Host", request.authority().toString());
        }
    }

    /**
     * The services' HTTP layer (Quarkus) answers a request target that {@link URI} cannot parse — a
     * malformed percent escape ({@code %Z}), a space or control character — with an empty 400 before
     * any of their code runs; the edge refuses such a target itself, in the error model. So it does
     * raw non-ASCII bytes: a request target is ASCII (RFC 9112), clients percent-encode the rest, and
     * forwarded as read they reach the services as characters their check refuses.
     */
    static boolean isParsableUri(String uri) {
        if (!uri.chars().allMatch(c -> c < 0x80)) {
            return false;
        }
        try {
            new URI(uri);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * Routing decides on the path as written, while the services' routers normalise it; so a path
     * they would read differently ({@code /v1/users/x/../../q/health}, encoded dots or slashes,
     * empty segments) could reach what is not public. Such paths are refused outright.
     */
    static boolean isCanonical(String path) {
        if (path == null || !path.startsWith("/") || path.contains("//") || path.contains("\\")) {
            return false;
        }
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c") || lower.contains("%25")) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /**
     * A request the HTTP decoder could not read (line or headers over Vert.x' limits, bad syntax):
     * the statuses Vert.x would choose, with the error model's JSON instead of an empty body.
     */
    static void invalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status;
        String description;
        if (cause instanceof TooLongHttpLineException) {
            status = 414;
            description = "Request line too long";
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = 431;
            description = "Request headers too large";
        } else {
            status = 400;
            description = "Malformed HTTP request";
        }
        request.response()
                .setStatusCode(status)
                // The decoder's state is unknown after a bad request: never reuse the connection.
                .putHeader("Connection", "close")
                .putHeader("Content-Type", "application/json")
                .end(ErrorCode.forStatus(status).body(description).toJson())
                .onComplete(ignored -> request.connection().close());
    }

    /** The services' {@code quarkus.http.limits.max-body-size}, read from common's configuration. */
    static final long MAX_BODY = BodyLimit.maxBytes();

    /**
     * A chunked body has no length to check up front. Past the services' limit they answer an
     * empty 413 and drop the connection mid-stream, which the proxy reports as errors; so the edge
     * reads such a body itself, refuses it in the error model once over the limit, and forwards it
     * with a length otherwise. Requests with Content-Length stream through as before.
     */
    static final class ChunkedBodyLimit implements ProxyInterceptor {
        @Override
        public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
            ProxyRequest request = context.request();
            HttpServerRequest incoming = request.proxiedRequest();
            if (!incoming.headers().contains("Transfer-Encoding", "chunked", true)) {
                return context.sendRequest();
            }
            Promise<ProxyResponse> result = Promise.promise();
            ReadStream<Buffer> stream = request.getBody().stream();
            Buffer body = Buffer.buffer();
            stream.handler(chunk -> {
                if (result.future().isComplete()) {
                    return; // drained until the connection closes
                }
                body.appendBuffer(chunk);
                if (body.length() > MAX_BODY) {
                    // The rest of the body is not read: the connection cannot be reused.
                    incoming.response().endHandler(ignored -> incoming.connection().close());
                    result.complete(request.response()
                            .setStatusCode(413)
                            .putHeader("Content-Type", "application/json")
                            .setBody(Body.body(Buffer.buffer(
                                    ErrorCode.PAYLOAD_TOO_LARGE.body("Request body too large").toJson()))));
                }
            });
            stream.exceptionHandler(result::tryFail);
            stream.endHandler(ignored -> {
                if (!result.future().isComplete()) {
                    request.headers().remove("Transfer-Encoding");
                    request.setBody(Body.body(body));
                    context.sendRequest().onComplete(result);
                }
            });
            stream.resume();
            return result.future();
        }
    }

    private static void notFound(HttpServerRequest request) {
        refuse(request, 404, ErrorCode.NOT_FOUND.body("No such resource"));
    }

    private static void refuse(HttpServerRequest request, int status, ErrorBody body) {
        request.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body.toJson());
    }

    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("Stopping the edge failed: " + e);
        }
    }
}
