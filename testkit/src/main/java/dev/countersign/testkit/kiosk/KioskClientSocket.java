package dev.countersign.testkit.kiosk;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebsocketVersion;

/**
 * A kiosk's WebSocket to {@code /ws-v1-challenge} as {@code @authsignal/browser} opens it (wire
 * docs/protocol/wire.md#42-qr-over-the-kiosk-websocket): subprotocols in the handshake, {@code CREATE_CHALLENGE} out, every text message in as JSON,
 * in order, and the close code kept. Used by the notifier's tests and by e2e.
 */
public final class KioskClientSocket implements AutoCloseable {

    /** How long {@link #next()} waits for a message. */
    public static final Duration WAIT = Duration.ofSeconds(20);

    private static final Vertx VERTX = Vertx.vertx();
    private static final ObjectMapper JSON = new ObjectMapper();

    public final WebSocket socket;
    public final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    public final CompletableFuture<Short> closeCode = new CompletableFuture<>();

    private KioskClientSocket(WebSocket socket) {
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

    public static KioskClientSocket open(int port, List<String> subprotocols, Map<String, String> headers) {
        return open(port, subprotocols, headers, true);
    }

    public static KioskClientSocket open(int port, List<String> subprotocols, Map<String, String> headers,
            boolean originHeader) {
        try {
            return new KioskClientSocket(VERTX.createWebSocketClient()
                    .connect(options(port, subprotocols, headers, originHeader))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot connect a kiosk socket to " + port, e);
        }
    }

    /** The HTTP status the handshake was refused with (fails the test if it was accepted). */
    public static int refusal(int port, List<String> subprotocols) {
        int status = handshake(port, subprotocols, Map.of(), true);
        if (status == 101) {
            throw new AssertionError("Upgrade accepted for " + subprotocols);
        }
        return status;
    }

    /** The handshake's HTTP status: 101 when upgraded (the socket is closed again at once), else the refusal's. */
    public static int handshake(int port, List<String> subprotocols, Map<String, String> headers,
            boolean originHeader) {
        Refusal refusal = attempt(port, subprotocols, headers, originHeader, WebsocketVersion.V13);
        return refusal == null ? 101 : refusal.status();
    }

    /** A refused handshake's answer: status, headers and body. */
    public record Refusal(int status, MultiMap headers, String body) {
    }

    /** The refused handshake's whole answer (fails the test if the upgrade was accepted). */
    public static Refusal refused(int port, List<String> subprotocols, Map<String, String> headers,
            boolean originHeader) {
        return refused(port, subprotocols, headers, originHeader, WebsocketVersion.V13);
    }

    /** As {@link #refused(int, List, Map, boolean)}, speaking another protocol version. */
    public static Refusal refused(int port, List<String> subprotocols, Map<String, String> headers,
            boolean originHeader, WebsocketVersion version) {
        Refusal refusal = attempt(port, subprotocols, headers, originHeader, version);
        if (refusal == null) {
            throw new AssertionError("Upgrade accepted for " + subprotocols + " " + headers);
        }
        return refusal;
    }

    /** Null when upgraded (the socket is closed again at once), else the refusal. */
    private static Refusal attempt(int port, List<String> subprotocols, Map<String, String> headers,
            boolean originHeader, WebsocketVersion version) {
        try {
            WebSocket accepted = VERTX.createWebSocketClient()
                    .connect(options(port, subprotocols, headers, originHeader).setVersion(version))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            accepted.close();
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UpgradeRejectedException rejected) {
                return new Refusal(rejected.getStatus(), rejected.getHeaders(),
                        rejected.getBody() == null ? "" : rejected.getBody().toString());
            }
            throw new AssertionError("Not a refused upgrade: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    public void send(String text) {
        socket.writeTextMessage(text).toCompletionStage().toCompletableFuture().join();
    }

    /** Sends {@code CREATE_CHALLENGE} as the SDK does; answers the next message (the CHALLENGE_CREATED). */
    public JsonNode createChallenge(String actionCode, String customJson) {
        send("{\"type\":\"CREATE_CHALLENGE\",\"data\":{\"challengeType\":\"QR_CODE\",\"actionCode\":\""
                + actionCode + "\"" + (customJson == null ? "" : ",\"custom\":" + customJson) + "}}");
        return next();
    }

    public JsonNode next() {
        return next(WAIT);
    }

    public JsonNode next(Duration timeout) {
        try {
            JsonNode message = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                throw new AssertionError("No kiosk message within " + timeout);
            }
            return message;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    public short awaitClose(Duration timeout) {
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
