package dev.countersign.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * A kiosk's WebSocket as {@code @authsignal/browser} opens it (wire §4.2): subprotocols in the
 * handshake, {@code CREATE_CHALLENGE} out, every text message in as JSON, in order.
 */
final class KioskSocket implements AutoCloseable {

    private static final Vertx VERTX = Vertx.vertx();
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(20);

    final WebSocket socket;
    final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Short> closeCode = new CompletableFuture<>();

    private KioskSocket(WebSocket socket) {
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

    private static WebSocketConnectOptions options(int port, List<String> subprotocols, Map<String, String> headers) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                .setURI("/ws-v1-challenge").setSubProtocols(subprotocols);
        headers.forEach(options::addHeader);
        return options;
    }

    static KioskSocket open(int port, List<String> subprotocols, Map<String, String> headers) {
        try {
            return new KioskSocket(VERTX.createWebSocketClient().connect(options(port, subprotocols, headers))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot connect a kiosk socket to " + port, e);
        }
    }

    /** The HTTP status a handshake is refused with; fails if it is accepted. */
    static int refusal(int port, List<String> subprotocols) {
        try {
            WebSocket accepted = VERTX.createWebSocketClient().connect(options(port, subprotocols, Map.of()))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            accepted.close();
            throw new AssertionError("Upgrade accepted for " + subprotocols);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UpgradeRejectedException rejected) {
                return rejected.getStatus();
            }
            throw new AssertionError("Not a refused upgrade: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Sends {@code CREATE_CHALLENGE} as the SDK does; answers the next message (the CHALLENGE_CREATED). */
    JsonNode createChallenge(String actionCode, String customJson) {
        socket.writeTextMessage("{\"type\":\"CREATE_CHALLENGE\",\"data\":{\"challengeType\":\"QR_CODE\",\"actionCode\":\""
                + actionCode + "\"" + (customJson == null ? "" : ",\"custom\":" + customJson) + "}}")
                .toCompletionStage().toCompletableFuture().join();
        return next();
    }

    JsonNode next() {
        try {
            JsonNode message = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                throw new AssertionError("No kiosk message within " + WAIT);
            }
            return message;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (!socket.isClosed()) {
            socket.close();
        }
    }
}
