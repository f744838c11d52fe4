package dev.countersign.challenge;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.countersign.common.internal.InternalSecret;
import dev.countersign.testkit.TestTenants;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Stands in for credential-service's internal lookups ({@code GET /internal/v1/credentials}, by key,
 * and {@code GET /internal/v1/user-credentials}, by user), on a real HTTP port: it records every
 * query and answers what a test put in for that public key, else 404 {@code invalid_credential};
 * a user's list is every answer put in for that user (none = an empty list), unless the user was
 * given a failing {@code status} ({@code PUT /stub/user-failures}). An answer may carry {@code status} (sent instead of the
 * credential) or {@code answeredKey} (another key than the one asked for, as a broken server might).
 * Like credential-service, it answers {@code /internal/*} only with the shared secret.
 * Tests talk to it over HTTP ({@code PUT /stub/answers}, {@code GET /stub/requests}), which works
 * whatever class loader the test runs in.
 */
public class CredentialServiceStub implements QuarkusTestResourceLifecycleManager {

    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        List<String> requests = new CopyOnWriteArrayList<>();
        Map<String, JsonObject> answers = new ConcurrentHashMap<>();
        Map<String, JsonObject> userFailures = new ConcurrentHashMap<>();
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(request -> {
                HttpServerResponse response = request.response().putHeader("Content-Type", "application/json");
                // As credential-service: no internal answer without the shared secret (so every
                // read-through test also proves the client sends it).
                if (request.path().startsWith("/internal/")
                        && !TestTenants.INTERNAL_SECRET.equals(request.getHeader(InternalSecret.HEADER))) {
                    response.setStatusCode(401).end(new JsonObject().put("error", "unauthorized")
                            .put("errorCode", "unauthorized").put("errorDescription", "No secret").encode());
                    return;
                }
                if (request.method() == HttpMethod.GET && request.path().equals("/internal/v1/credentials")) {
                    requests.add(request.query());
                    JsonObject answer = answers.get(request.getParam("publicKey"));
                    if (answer == null || !answer.getString("tenantId").equals(request.getParam("tenantId"))
                            || !answer.getString("kind").equals(request.getParam("kind"))) {
                        response.setStatusCode(404).end(new JsonObject().put("error", "invalid_credential")
                                .put("errorCode", "invalid_credential").put("errorDescription", "Unknown key").encode());
                    } else if (answer.containsKey("status")) {
                        response.setStatusCode(answer.getInteger("status")).end("{}");
                    } else {
                        response.end(answer.copy().put("publicKey", answer.getString("answeredKey",
                                answer.getString("publicKey"))).encode());
                    }
                } else if (request.method() == HttpMethod.GET
                        && request.path().equals("/internal/v1/user-credentials")) {
                    requests.add(request.query());
                    String tenantId = request.getParam("tenantId");
                    String userId = request.getParam("userId");
                    JsonObject failure = userFailures.get(tenantId + "/" + userId);
                    if (failure != null) {
                        response.setStatusCode(failure.getInteger("status")).end("{}");
                        return;
                    }
                    JsonArray credentials = new JsonArray();
                    answers.values().stream()
                            .filter(answer -> tenantId.equals(answer.getString("tenantId"))
                                    && userId.equals(answer.getString("userId")) && !answer.containsKey("status"))
                            .forEach(answer -> credentials.add(answer.copy().put("publicKey",
                                    answer.getString("answeredKey", answer.getString("publicKey")))));
                    response.end(new JsonObject().put("credentials", credentials).encode());
                } else if (request.method() == HttpMethod.PUT && request.path().equals("/stub/user-failures")) {
                    request.body().onSuccess(body -> {
                        JsonObject failure = body.toJsonObject();
                        userFailures.put(failure.getString("tenantId") + "/" + failure.getString("userId"), failure);
                        response.end("{}");
                    });
                } else if (request.method() == HttpMethod.PUT && request.path().equals("/stub/answers")) {
                    request.body().onSuccess(body -> {
                        JsonObject answer = body.toJsonObject();
                        answers.put(answer.getString("publicKey"), answer);
                        response.end("{}");
                    });
                } else if (request.method() == HttpMethod.GET && request.path().equals("/stub/requests")) {
                    response.end(new JsonArray(List.copyOf(requests)).encode());
                } else {
                    response.setStatusCode(404).end("{}");
                }
            }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return Map.of("countersign.services.credential-url", "http://127.0.0.1:" + server.actualPort());
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the credential-service stub", e);
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
