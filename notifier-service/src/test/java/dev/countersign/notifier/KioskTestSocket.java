package dev.countersign.notifier;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;

/** A kiosk socket as a test drives it: every text message queued as JSON, the close code kept. */
final class KioskTestSocket implements AutoCloseable {

    private static final Vertx VERTX = Vertx.vertx();
    private static final ObjectMapper JSON = new ObjectMapper();

    final WebSocket socket;
    final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Short> closeCode = new CompletableFuture<>();

    private KioskTestSocket(WebSocket socket) {
        this.socket = socket;
        socket.textMessageHandler(text -> {
            try {
                messages.add(JSON.readTree(text));
            } catch (Exception e) {
                messages.add(JSON.createObjectNode().put("unparsable", text));
            }
        });
        socket.closeHandler(ignored -> closeCode.complete(socket.closeStatusCode()));
    }

    /**
     * Vert.x sends {@code Origin: http://127.0.0.1:<port>} (same-origin) unless the headers carry
     * one; {@code originHeader} false sends none, as a native app or Node's {@code ws} does.
     */
    private static WebSocketConnectOptions options(int port, List<String> subprotocols, Map<String, String> headers,
            boolean originHeader) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                .setURI("/ws-v1-challenge").setSubProtocols(subprotocols).setAllowOriginHeader(originHeader);
        headers.forEach(options::addHeader);
        return options;
    }

    static KioskTestSocket open(int port, List<String> subprotocols, Map<String, String> headers) {
        return open(port, subprotocols, headers, true);
    }

    static KioskTestSocket open(int port, List<String> subprotocols, Map<String, String> headers, boolean originHeader) {
        WebSocketConnectOptions options = options(port, subprotocols, headers, originHeader);
        try {
            return new KioskTestSocket(VERTX.createWebSocketClient().connect(options)
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot connect", e);
        }
    }

    /** The HTTP status the handshake was refused with (fails the test if it was accepted). */
    static int refusal(int port, List<String> subprotocols) {
        int status = handshake(port, subprotocols, Map.of(), true);
        if (status == 101) {
            throw new AssertionError("Upgrade accepted for " + subprotocols);
        }
        return status;
    }

    /** The handshake's HTTP status: 101 when upgraded (the socket is closed again at once), else the refusal's. */
    static int handshake(int port, List<String> subprotocols, Map<String, String> headers, boolean originHeader) {
        WebSocketConnectOptions options = options(port, subprotocols, headers, originHeader);
        try {
            WebSocket accepted = VERTX.createWebSocketClient().connect(options).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            accepted.close();
            return 101;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof UpgradeRejectedException rejected) {
                return rejected.getStatus();
            }
            throw new AssertionError("Not a refused upgrade: " + e.getCause(), e.getCause());
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    void send(String text) {
        socket.writeTextMessage(text).toCompletionStage().toCompletableFuture().join();
    }

    JsonNode next(Duration timeout) {
        try {
            JsonNode message = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                throw new AssertionError("No message within " + timeout);
            }
            return message;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    short awaitClose(Duration timeout) {
        try {
            return closeCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("Not closed within " + timeout, e);
        }
    }

    @Override
    public void close() {
        if (!socket.isClosed()) {
            socket.close();
        }
    }
}
