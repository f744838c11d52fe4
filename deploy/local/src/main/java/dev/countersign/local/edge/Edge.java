package dev.countersign.local.edge;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.countersign.common.error.BodyLimit;
import dev.countersign.common.error.ErrorBody;
import dev.countersign.common.error.ErrorCode;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.ReadStream;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyOptions;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;

/**
 * The local edge: one port serving the public API, routed to the services by {@link RouteTable}
 * through Vert.x' reverse proxy. It plays the Ingress' part, so it adds {@code X-Forwarded-*};
 * paths outside the table get the JSON 404 of the error model. Request forwarding has a bounded
 * connection pool and wait queue per service; WebSocket upgrades go through {@link Tunnels}, with
 * connections and a cap of their own. Budgets and timeouts: {@link EdgeSettings}
 * (docs/local-run.md#the-edge).
 */
public final class Edge implements AutoCloseable {

    private final Vertx vertx;
    private final EdgeSettings settings;
    private final Tunnels tunnels;
    private final Map<HttpConnection, ClientConnection> connections = new ConcurrentHashMap<>();
    private HttpServer server;

    private Edge(Vertx vertx, EdgeSettings settings) {
        this.vertx = vertx;
        this.settings = settings;
        this.tunnels = new Tunnels(vertx, settings);
    }

    public static Edge start(String host, int port, RouteTable routes, Map<String, InetSocketAddress> services) {
        return start(host, port, routes, services, EdgeSettings.fromEnvironment());
    }

    public static Edge start(String host, int port, RouteTable routes, Map<String, InetSocketAddress> services,
            EdgeSettings settings) {
        for (String service : routes.services()) {
            if (!services.containsKey(service)) {
                throw new IllegalArgumentException("No address for " + service);
            }
        }
        Vertx vertx = Vertx.vertx();
        Edge edge = new Edge(vertx, settings);
        try {
            edge.listen(host, port, routes, services);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("The edge cannot listen on " + host + ":" + port, e);
        }
        return edge;
    }

    private void listen(String host, int port, RouteTable routes, Map<String, InetSocketAddress> services)
            throws Exception {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setMaxPoolSize(settings.requestPoolSize())
                .setMaxWaitQueueSize(settings.requestQueueSize())
                .setConnectTimeout((int) settings.upstreamConnectTimeout().toMillis())
                .setKeepAliveTimeout((int) settings.upstreamKeepAlive().toSeconds()));
        // One proxy per service with a fixed origin: the route table is matched once per request.
        Map<String, HttpProxy> proxies = new HashMap<>();
        services.forEach((name, address) -> proxies.put(name,
                HttpProxy.reverseProxy(new ProxyOptions(), client)
                        .originRequestProvider((request, c) -> c.request(new RequestOptions()
                                        .setServer(SocketAddress.inetSocketAddress(address.getPort(), address.getHostString()))
                                        .setConnectTimeout(settings.requestQueueTimeout().toMillis())
                                        .setIdleTimeout(settings.upstreamResponseTimeout().toMillis()))
                                .recover(e -> Future.failedFuture(new NoConnection(e))))
                        .addInterceptor(new BufferedBody())));
        server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
                        // Without h2c, Vert.x hands over the connection when it opens, not after the
                        // first request's headers (where it would look for an h2c upgrade); and Vert.x
                        // (here and in the services) answers an h2c upgrade without HTTP2-Settings with an
                        // empty 400 and leaves the connection hanging. The edge ignores the offer, as
                        // RFC 9113 lets a server, and serves the request as HTTP/1.1 (dropNonWebSocketUpgrade).
                        .setHttp2ClearTextEnabled(false)
                        .setIdleTimeout((int) settings.clientIdleTimeout().toMillis())
                        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS))
                .connectionHandler(this::accepted)
                .requestHandler(request -> {
                    ClientConnection connection = connections.get(request.connection());
                    if (connection != null) {
                        connection.requestArrived(request);
                    }
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
                        closeAfterResponse(request);
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
                    if (Tunnels.isUpgrade(request)) {
                        if (connection != null) {
                            connection.upgraded();
                        }
                        tunnels.open(request, service.get(), services.get(service.get()));
                        return;
                    }
                    proxies.get(service.get()).handle(request);
                })
                .invalidRequestHandler(Edge::invalidRequest);
        server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private void accepted(HttpConnection connection) {
        ClientConnection state = new ClientConnection(connection);
        connections.put(connection, state);
        connection.closeHandler(ignored -> {
            state.cancel();
            connections.remove(connection);
        });
        state.awaitRequest(settings.requestHeaderTimeout());
    }

    private void closeAfterResponse(HttpServerRequest request) {
        ClientConnection connection = connections.get(request.connection());
        if (connection != null) {
            connection.closeAfterResponse = true;
        } else {
            request.response().endHandler(ignored -> request.connection().close());
        }
    }

    /**
     * A client connection's request deadline. Vert.x reads headers without a time limit, so a client
     * trickling them (slow-loris) would hold the connection for ever: a new connection's first
     * request must be complete within the header timeout, each further one within the idle timeout
     * of the previous response. Past it the connection is closed (no response can be framed then).
     */
    private final class ClientConnection {
        private final HttpConnection connection;
        private long timer = -1;
        private volatile boolean upgraded;
        volatile boolean closeAfterResponse;

        ClientConnection(HttpConnection connection) {
            this.connection = connection;
        }

        synchronized void awaitRequest(Duration within) {
            cancel();
            timer = vertx.setTimer(within.toMillis(), id -> connection.close());
        }

        synchronized void cancel() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }

        void requestArrived(HttpServerRequest request) {
            cancel();
            request.response().endHandler(ignored -> {
                if (closeAfterResponse) {
                    connection.close();
                } else if (!upgraded) {
                    awaitRequest(settings.clientIdleTimeout());
                }
            });
        }

        /** The connection becomes a tunnel, with an idle limit of its own. */
        void upgraded() {
            upgraded = true;
            cancel();
            connections.remove(connection);
        }
    }

    /** Getting an upstream connection failed, as opposed to the exchange on one. */
    private static final class NoConnection extends Exception {
        NoConnection(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /**
     * How a failed forward is answered: a service that cannot be reached is 502, a full pool and
     * queue (or a wait in it past its timeout) 503, a service that does not answer in time 504.
     */
    static Failure failure(Throwable error) {
        if (error instanceof NoConnection none) {
            return none.getCause() instanceof ConnectException
                    ? new Failure(502, ErrorCode.BAD_GATEWAY.body("The service cannot be reached"))
                    : new Failure(503, ErrorCode.SERVICE_UNAVAILABLE.body("The edge is busy; try again"));
        }
        return error instanceof TimeoutException
                ? new Failure(504, ErrorCode.GATEWAY_TIMEOUT.body("The service did not answer in time"))
                : new Failure(502, ErrorCode.BAD_GATEWAY.body("The service closed the connection"));
    }

    record Failure(int status, ErrorBody body) {
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
     * The edge reads a request's body before it takes an upstream connection (as nginx buffers), so
     * a client sending slowly holds only its own connection, never one of the pool's: the body must
     * arrive within {@link EdgeSettings#requestBodyTimeout()} (else 408) and within the services'
     * limit (else 413), both in the error model and followed by closing the connection, as the rest
     * of the body is not read. It is forwarded with its length. Failures to forward are answered
     * in the error model too ({@link #failure}).
     */
    final class BufferedBody implements ProxyInterceptor {
        @Override
        public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
            ProxyRequest request = context.request();
            HttpServerRequest incoming = request.proxiedRequest();
            boolean chunked = incoming.headers().contains("Transfer-Encoding", "chunked", true);
            String length = incoming.getHeader("Content-Length");
            if (!chunked && length == null) {
                return forward(context);
            }
            if (!chunked && Long.parseLong(length.strip()) > MAX_BODY) {
                return Future.succeededFuture(
                        refuseBody(request, 413, ErrorCode.PAYLOAD_TOO_LARGE.body("Request body too large")));
            }
            if (incoming.headers().contains("Expect", "100-continue", true)) {
                // The edge takes the body, so it says when to send it; the service gets it whole.
                incoming.response().writeContinue();
                request.headers().remove("Expect");
            }
            Promise<ProxyResponse> result = Promise.promise();
            long timer = vertx.setTimer(settings.requestBodyTimeout().toMillis(), id -> {
                if (!result.future().isComplete()) {
                    result.complete(refuseBody(request, 408,
                            ErrorCode.REQUEST_TIMEOUT.body("The request body did not arrive in time")));
                }
            });
            ReadStream<Buffer> stream = request.getBody().stream();
            Buffer body = Buffer.buffer();
            stream.handler(chunk -> {
                if (result.future().isComplete()) {
                    return; // drained until the connection closes
                }
                body.appendBuffer(chunk);
                if (body.length() > MAX_BODY) {
                    vertx.cancelTimer(timer);
                    result.tryComplete(refuseBody(request, 413, ErrorCode.PAYLOAD_TOO_LARGE.body("Request body too large")));
                }
            });
            stream.exceptionHandler(e -> {
                vertx.cancelTimer(timer);
                result.tryFail(e);
            });
            stream.endHandler(ignored -> {
                vertx.cancelTimer(timer);
                if (!result.future().isComplete()) {
                    request.headers().remove("Transfer-Encoding");
                    request.setBody(Body.body(body));
                    forward(context).onComplete(result);
                }
            });
            stream.resume();
            return result.future();
        }

        private ProxyResponse refuseBody(ProxyRequest request, int status, ErrorBody error) {
            closeAfterResponse(request.proxiedRequest());
            return jsonResponse(request, status, error);
        }

        private Future<ProxyResponse> forward(ProxyContext context) {
            return context.sendRequest().recover(error -> {
                Failure failure = failure(error);
                return Future.succeededFuture(jsonResponse(context.request(), failure.status(), failure.body()));
            });
        }
    }

    private static ProxyResponse jsonResponse(ProxyRequest request, int status, ErrorBody body) {
        return request.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .setBody(Body.body(Buffer.buffer(body.toJson())));
    }

    /** Open WebSocket tunnels (and handshakes under way), over all services. */
    public int openTunnels() {
        return tunnels.open();
    }

    private static void notFound(HttpServerRequest request) {
        refuse(request, 404, ErrorCode.NOT_FOUND.body("No such resource"));
    }

    static void refuse(HttpServerRequest request, int status, ErrorBody body) {
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
        tunnels.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("Stopping the edge failed: " + e);
        }
    }
}
