package dev.countersign.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The tenant's webhook endpoint for the end-to-end run: records every {@code push.created} POST
 * exactly as it arrived (raw body and {@code X-Signature-V2}), so a test — in Java, or the compat
 * suite with the real {@code @authsignal/node} — can check the bytes that were signed.
 * {@code GET /captured} lists them as JSON for the compat suite.
 */
final class WebhookSink implements ExtensionContext.Store.CloseableResource, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<Captured> captured = new ArrayList<>();

    private WebhookSink(HttpServer server) {
        this.server = server;
    }

    static WebhookSink start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            WebhookSink sink = new WebhookSink(server);
            server.createContext("/webhook", sink::receive);
            server.createContext("/captured", sink::list);
            server.start();
            return sink;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String webhookUrl() {
        return base() + "/webhook";
    }

    String capturedUrl() {
        return base() + "/captured";
    }

    synchronized List<Captured> captured() {
        return List.copyOf(captured);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void receive(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        synchronized (this) {
            captured.add(new Captured(exchange.getRequestMethod(), body,
                    exchange.getRequestHeaders().getFirst("X-Signature-V2"),
                    exchange.getRequestHeaders().getFirst("Content-Type")));
        }
        respond(exchange, "{}");
    }

    private void list(HttpExchange exchange) throws IOException {
        ArrayNode all = JSON.createArrayNode();
        for (Captured c : captured()) {
            all.addObject().put("body", c.body()).put("signature", c.signature());
        }
        respond(exchange, all.toString());
    }

    private static void respond(HttpExchange exchange, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    record Captured(String method, String body, String signature, String contentType) {
    }
}
