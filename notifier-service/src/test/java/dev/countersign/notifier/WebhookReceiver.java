package dev.countersign.notifier;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * The tenant's webhook endpoint in the tests: a real HTTP server recording every request as it
 * came (raw body, headers). It answers by the pushed user's id, so each test picks its receiver's
 * behaviour without shared mutable state: {@code fail-twice-…} answers 503 to the first two tries
 * of a challenge, {@code fail-always-…} 500, {@code refuse-…} 400, {@code slow-once-…} answers its
 * first try only after {@link #SLOW} (past the notifier's read timeout), {@code throttled-once-…}
 * answers its first try 429 with {@code Retry-After: 1}, anyone else 200.
 */
public final class WebhookReceiver {

    public static final String PATH = "/hooks/countersign";
    /** Longer than the tests' read timeout (PT2S). */
    static final long SLOW = 3_000;

    /**
     * One request as received (when, in epoch ms), and what the receiver answered (0: too late,
     * after {@link #SLOW}).
     */
    public record Received(String path, Map<String, String> headers, byte[] rawBody, int answered, long atMillis) {

        public String body() {
            return new String(rawBody, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return new ObjectMapper().readTree(rawBody);
            } catch (java.io.IOException e) {
                throw new AssertionError("Webhook body is not JSON: " + body(), e);
            }
        }

        public String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    private static WebhookReceiver running;

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> triesByChallenge = new ConcurrentHashMap<>();

    private WebhookReceiver() {
    }

    /** Starts the receiver on the configured URL's port once per test run. */
    public static synchronized WebhookReceiver at(String url) {
        if (running == null) {
            WebhookReceiver receiver = new WebhookReceiver();
            receiver.listen(URI.create(url).getPort());
            running = receiver;
        }
        return running;
    }

    private void listen(int port) {
        Vertx vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            byte[] raw = body.getBytes();
            Map<String, String> headers = new ConcurrentHashMap<>();
            request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
            int status = answer(raw);
            received.add(new Received(request.path(), headers, raw, status, System.currentTimeMillis()));
            if (status == 0) {
                vertx.setTimer(SLOW, id -> request.response().setStatusCode(200).end("{\"ok\":true}"));
                return;
            }
            if (status == 429) {
                request.response().putHeader("Retry-After", "1");
            }
            request.response().setStatusCode(status).end("{\"ok\":" + (status == 200) + "}");
        }));
        try {
            server.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Webhook receiver cannot listen on " + port, e);
        }
    }

    private int answer(byte[] raw) {
        JsonNode data;
        try {
            data = new ObjectMapper().readTree(raw).path("data");
        } catch (java.io.IOException e) {
            return 400;
        }
        String userId = data.path("userId").asText("");
        int tries = triesByChallenge.computeIfAbsent(data.path("challengeId").asText(""), k -> new AtomicInteger())
                .incrementAndGet();
        if (userId.startsWith("fail-twice-")) {
            return tries <= 2 ? 503 : 200;
        }
        if (userId.startsWith("fail-always-")) {
            return 500;
        }
        if (userId.startsWith("slow-once-") && tries == 1) {
            return 0;
        }
        if (userId.startsWith("throttled-once-")) {
            return tries == 1 ? 429 : 200;
        }
        if (userId.startsWith("refuse-")) {
            return 400;
        }
        return 200;
    }

    /** Everything received for one challenge, in arrival order. */
    public List<Received> forChallenge(String challengeId) {
        return received.stream().filter(r -> challengeId.equals(r.json().path("data").path("challengeId").asText()))
                .toList();
    }

    public List<Received> all() {
        return List.copyOf(received);
    }
}
