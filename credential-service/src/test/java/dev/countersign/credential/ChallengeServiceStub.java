package dev.countersign.credential;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.countersign.common.internal.InternalSecret;
import dev.countersign.testkit.TestTenants;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * challenge-service's {@code GET /internal/v1/attestation-nonces} as credential-service calls it, on
 * a real HTTP server: it answers the nonces a test issued for an action, only with the internal
 * secret (401 otherwise, as InternalSecret does), and 500 while {@link #unavailable} is set. The real
 * service answers it in e2e.
 */
public final class ChallengeServiceStub implements QuarkusTestResourceLifecycleManager {

    static final String PATH = "/internal/v1/attestation-nonces";

    private static final Map<String, List<String>> NONCES = new ConcurrentHashMap<>();
    private static final AtomicBoolean UNAVAILABLE = new AtomicBoolean();
    private static Vertx vertx;

    /** Records {@code nonce} as issued for the action, as challenge-service does on issuing it. */
    public static void issued(String tenantId, String idempotencyKey, String nonce) {
        NONCES.computeIfAbsent(tenantId + "\n" + idempotencyKey, k -> new CopyOnWriteArrayList<>()).add(nonce);
    }

    /** While set, the lookup answers 500. */
    public static void unavailable(boolean value) {
        UNAVAILABLE.set(value);
    }

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(request -> {
                JsonObject answer = new JsonObject();
                int status = 200;
                if (!TestTenants.INTERNAL_SECRET.equals(request.getHeader(InternalSecret.HEADER))) {
                    status = 401;
                    answer.put("error", "unauthorized").put("errorCode", "unauthorized");
                } else if (UNAVAILABLE.get()) {
                    status = 500;
                } else if (!request.path().equals(PATH)) {
                    status = 404;
                    answer.put("error", "not_found");
                } else {
                    String key = request.getParam("tenantId") + "\n" + request.getParam("idempotencyKey");
                    answer.put("nonces", new JsonArray(List.copyOf(NONCES.getOrDefault(key, List.of()))));
                }
                request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                        .end(answer.encode());
            }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return Map.of("countersign.services.challenge-url", "http://127.0.0.1:" + server.actualPort());
        } catch (Exception e) {
            throw new IllegalStateException("The fake challenge-service cannot listen", e);
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }
}
