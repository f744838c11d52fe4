package dev.countersign.local.edge;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.countersign.common.error.ErrorCode;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.NetSocketInternal;

/**
 * WebSocket upgrades, tunnelled to the service over connections of their own: a long-lived socket
 * never holds one of the request pool's connections, and each service has a cap on open tunnels
 * (503 past it). A tunnel owns its upstream connection from the handshake on, so a client gone
 * before the service's 101 closes it, either side closing closes the other, and a tunnel silent
 * both ways for {@link EdgeSettings#tunnelIdleTimeout()} is closed.
 */
final class Tunnels {

    /** Hop-by-hop headers of a refused handshake's response: the edge's own connection decides them. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "upgrade",
            "content-length", "proxy-connection", "te", "trailer");

    private final Vertx vertx;
    private final HttpClient client;
    private final EdgeSettings settings;
    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();

    Tunnels(Vertx vertx, EdgeSettings settings) {
        this.vertx = vertx;
        this.settings = settings;
        // Kept alive only so that Vert.x leaves the handshake's Connection: Upgrade alone; a refused
        // handshake's connection is closed, an accepted one becomes the tunnel.
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setMaxPoolSize(settings.tunnelsPerService())
                // The upstream side's idle limit; the client side gets the same in limitIdle.
                .setIdleTimeout((int) settings.tunnelIdleTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setConnectTimeout((int) settings.upstreamConnectTimeout().toMillis()));
    }

    static boolean isUpgrade(HttpServerRequest request) {
        String connection = request.getHeader("Connection");
        return request.method() == HttpMethod.GET
                && "websocket".equalsIgnoreCase(request.getHeader("Upgrade"))
                && connection != null && connection.toLowerCase().contains("upgrade");
    }

    /** Open tunnels and handshakes in progress, over all services. */
    int open() {
        return open.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    void open(HttpServerRequest request, String service, InetSocketAddress origin) {
        AtomicInteger count = open.computeIfAbsent(service, s -> new AtomicInteger());
        if (count.incrementAndGet() > settings.tunnelsPerService()) {
            count.decrementAndGet();
            Edge.refuse(request, 503, ErrorCode.SERVICE_UNAVAILABLE.body("Too many WebSocket connections; try again"));
            return;
        }
        new Tunnel(request, count).start(origin);
    }

    private final class Tunnel {
        private final HttpServerRequest request;
        private final AtomicInteger count;
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile boolean clientGone;
        private volatile boolean established;
        private volatile HttpClientRequest handshake;
        private long timer = -1;

        Tunnel(HttpServerRequest request, AtomicInteger count) {
            this.request = request;
            this.count = count;
        }

        void start(InetSocketAddress origin) {
            request.pause();
            request.response().closeHandler(ignored -> {
                if (!established) {
                    clientGone = true;
                    HttpClientRequest pending = handshake;
                    if (pending != null) {
                        // Closes the upstream connection; the handshake's future fails and releases.
                        pending.reset();
                    }
                }
            });
            RequestOptions options = new RequestOptions()
                    .setServer(SocketAddress.inetSocketAddress(origin.getPort(), origin.getHostString()))
                    .setMethod(HttpMethod.GET)
                    .setURI(request.uri());
            request.headers().forEach((name, value) -> {
                if (!name.equalsIgnoreCase("Host")) {
                    options.addHeader(name, value);
                }
            });
            client.request(options).onComplete(ar -> {
                if (ar.failed()) {
                    fail(ar.cause());
                    return;
                }
                HttpClientRequest upstream = ar.result();
                if (request.authority() != null) {
                    upstream.authority(request.authority());
                }
                handshake = upstream;
                if (clientGone) {
                    upstream.reset();
                    release();
                    return;
                }
                timer = vertx.setTimer(settings.upstreamResponseTimeout().toMillis(), id -> upstream.reset(0,
                        new NoStackTraceTimeoutException("No handshake answer")));
                upstream.connect().onComplete(this::answered);
                // The handshake request is passed on whole (its end included), as Vert.x' proxy does.
                request.handler(upstream::write);
                request.endHandler(ignored -> upstream.end());
                request.resume();
            });
        }

        private void answered(AsyncResult<HttpClientResponse> ar) {
            vertx.cancelTimer(timer);
            if (ar.failed()) {
                fail(ar.cause());
                return;
            }
            HttpClientResponse response = ar.result();
            if (response.statusCode() != 101) {
                refused(response);
                return;
            }
            NetSocket upstream = response.netSocket();
            if (clientGone) {
                upstream.close();
                release();
                return;
            }
            HttpServerResponse toClient = request.response();
            toClient.setStatusCode(101);
            toClient.headers().addAll(response.headers());
            established = true;
            request.toNetSocket().onComplete(client -> {
                if (client.failed()) {
                    // The client left while the upgrade was under way: nobody will use the service's side.
                    upstream.close();
                    release();
                    return;
                }
                splice(client.result(), upstream);
            });
        }

        /** The service refused the handshake: its status, headers and (JSON) body are passed on. */
        private void refused(HttpClientResponse response) {
            response.body().onComplete(body -> {
                response.request().connection().close();
                release();
                if (clientGone) {
                    return;
                }
                HttpServerResponse toClient = request.response().setStatusCode(response.statusCode());
                response.headers().forEach((name, value) -> {
                    if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                        toClient.headers().add(name, value);
                    }
                });
                toClient.end(body.succeeded() ? body.result() : io.vertx.core.buffer.Buffer.buffer());
            });
        }

        private void fail(Throwable cause) {
            release();
            if (clientGone) {
                return;
            }
            if (cause instanceof TimeoutException) {
                Edge.refuse(request, 504, ErrorCode.GATEWAY_TIMEOUT.body("The service did not answer in time"));
            } else {
                Edge.refuse(request, 502, ErrorCode.BAD_GATEWAY.body("The service cannot be reached"));
            }
        }

        private void splice(NetSocket client, NetSocket upstream) {
            limitIdle(client);
            pipe(client, upstream);
            pipe(upstream, client);
            client.closeHandler(ignored -> {
                upstream.close();
                release();
            });
            upstream.closeHandler(ignored -> {
                client.close();
                release();
            });
            client.exceptionHandler(ignored -> client.close());
            upstream.exceptionHandler(ignored -> upstream.close());
        }

        private void release() {
            if (released.compareAndSet(false, true)) {
                count.decrementAndGet();
            }
        }
    }

    private static void pipe(NetSocket from, NetSocket to) {
        from.handler(data -> {
            to.write(data);
            if (to.writeQueueFull()) {
                from.pause();
                to.drainHandler(ignored -> from.resume());
            }
        });
    }

    /**
     * The client connection's idle handler (its keep-alive timeout) is replaced by the tunnel's:
     * silence both ways, reads and writes, for that long closes the socket.
     */
    private void limitIdle(NetSocket socket) {
        ChannelPipeline pipeline = ((NetSocketInternal) socket).channelHandlerContext().pipeline();
        IdleStateHandler idle = new IdleStateHandler(0, 0, settings.tunnelIdleTimeout().toMillis(), TimeUnit.MILLISECONDS);
        if (pipeline.get("idle") != null) {
            pipeline.replace("idle", "idle", idle);
        } else if (pipeline.get("handler") != null) {
            pipeline.addBefore("handler", "idle", idle);
        } else {
            pipeline.addFirst("idle", idle);
        }
    }

    void close() {
        client.close();
    }
}
