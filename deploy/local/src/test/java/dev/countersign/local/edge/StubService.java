package dev.countersign.local.edge;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;

/**
 * A service behind the edge that counts the connections open to it: {@code /v1/validate} answers
 * {@code ok}, a path ending in {@code /stall} is never answered, {@code /ws-v1-challenge} is an echo
 * WebSocket whose upgrade is held back (until {@link #held} is completed by the test) when the
 * query is {@code hold}, and refused with a JSON 401 (as the notifier refuses a bad credential) when
 * the query is {@code refuse}. It keeps the headers of the plain requests it answered.
 */
final class StubService implements AutoCloseable {

    static final String REFUSAL = "{\"error\":\"unauthorized\",\"errorCode\":\"unauthorized\","
            + "\"errorDescription\":\"Neither a known tenant nor a valid track token\"}";

    final AtomicInteger openConnections = new AtomicInteger();
    final List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
    final List<HttpServerRequest> stalled = new CopyOnWriteArrayList<>();
    final List<ServerWebSocket> sockets = new CopyOnWriteArrayList<>();
    /** The headers of every answered plain request, as they arrived. */
    final List<MultiMap> received = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    StubService(Vertx vertx) {
        server = vertx.createHttpServer()
                .connectionHandler(connection -> {
                    openConnections.incrementAndGet();
                    connection.closeHandler(ignored -> openConnections.decrementAndGet());
                })
                .requestHandler(request -> {
                    if (request.path().equals("/ws-v1-challenge")) {
                        if ("refuse".equals(request.query())) {
                            request.response().setStatusCode(401)
                                    .putHeader("Content-Type", "application/json")
                                    .putHeader("Retry-After", "7")
                                    .end(REFUSAL);
                        } else if ("hold".equals(request.query())) {
                            request.pause(); // toWebSocket later needs the request unread
                            held.add(request);
                        } else {
                            accept(request);
                        }
                    } else if (request.path().endsWith("/stall")) {
                        stalled.add(request);
                    } else {
                        received.add(MultiMap.caseInsensitiveMultiMap().addAll(request.headers()));
                        request.body().onSuccess(body -> request.response().end("ok"));
                    }
                })
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
    }

    void accept(HttpServerRequest request) {
        request.toWebSocket().onSuccess(socket -> {
            sockets.add(socket);
            socket.textMessageHandler(socket::writeTextMessage);
        });
    }

    int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        server.close().toCompletionStage().toCompletableFuture().join();
    }
}
