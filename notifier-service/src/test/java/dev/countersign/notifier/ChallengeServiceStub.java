package dev.countersign.notifier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;

/**
 * challenge-service's two QR endpoints as the notifier's {@code ChallengeServiceClient} calls them (the contract in the session
 * brief), on a real HTTP server: create answers a fresh challenge id and device code; verify
 * answers {@code isVerified} + a token once the test marked the challenge approved, and 404 for a
 * wrong device code. Every request is recorded with its headers, so tests check what the notifier
 * forwarded. An action {@code refuse} gets challenge-service's 403. The real service runs in e2e.
 */
public final class ChallengeServiceStub {

    public record Call(String path, Map<String, String> headers, JsonNode body) {

        public String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    /** Sets {@code countersign.services.challenge-url} to a free loopback port where the fake listens. */
    public static class Config implements QuarkusTestResourceLifecycleManager {

        @Override
        public Map<String, String> start() {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return Map.of("countersign.services.challenge-url", "http://127.0.0.1:" + socket.getLocalPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
        }
    }

    private static ChallengeServiceStub running;

    private final ObjectMapper json = new ObjectMapper();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, String> deviceCodes = new ConcurrentHashMap<>();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    public static synchronized ChallengeServiceStub at(String url) {
        if (running == null) {
            ChallengeServiceStub fake = new ChallengeServiceStub();
            fake.listen(URI.create(url).getPort());
            running = fake;
        }
        return running;
    }

    /** The next verify of this challenge answers approved with this token. */
    public void approve(String challengeId, String accessToken) {
        tokens.put(challengeId, accessToken);
    }

    public String deviceCode(String challengeId) {
        return deviceCodes.get(challengeId);
    }

    public List<Call> calls(String path) {
        return calls.stream().filter(c -> c.path().equals(path)).toList();
    }

    public Call creation(String challengeId) {
        return calls.stream().filter(c -> c.path().endsWith("/challenge/qr-code"))
                .filter(c -> challengeId.equals(c.headers().get("x-test-challenge-id"))).findFirst().orElseThrow();
    }

    private void listen(int port) {
        Vertx vertx = Vertx.vertx();
        try {
            vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(buffer -> {
                Map<String, String> headers = new ConcurrentHashMap<>();
                request.headers().forEach(h -> headers.merge(h.getKey().toLowerCase(), h.getValue(), (a, b) -> a + "," + b));
                JsonNode body;
                try {
                    body = json.readTree(buffer.toString());
                } catch (IOException e) {
                    body = json.createObjectNode();
                }
                ObjectNode answer = json.createObjectNode();
                int status = 200;
                if (request.path().equals("/v1/client/challenge/qr-code")) {
                    if ("refuse".equals(body.path("action").asText())) {
                        status = 403;
                        answer.put("error", "insufficient_scope").put("errorCode", "insufficient_scope")
                                .put("errorDescription", "The token's action is another one");
                    } else {
                        String challengeId = UUID.randomUUID().toString();
                        String deviceCode = UUID.randomUUID().toString();
                        deviceCodes.put(challengeId, deviceCode);
                        headers.put("x-test-challenge-id", challengeId);
                        answer.put("challengeId", challengeId).put("deviceCode", deviceCode)
                                .put("expiresAt", "2099-01-01T00:00:00.000Z");
                    }
                } else if (request.path().equals("/v1/client/verify/qr-code")) {
                    String challengeId = body.path("challengeId").asText();
                    if (!body.path("deviceCode").asText().equals(deviceCodes.get(challengeId))) {
                        status = 404;
                        answer.put("error", "not_found").put("errorCode", "not_found").put("errorDescription", "No such challenge");
                    } else {
                        String token = tokens.get(challengeId);
                        answer.put("isClaimed", token != null).put("isConsumed", token != null).put("isVerified", token != null);
                        if (token != null) {
                            answer.put("accessToken", token);
                        }
                    }
                } else {
                    status = 404;
                    answer.put("error", "not_found");
                }
                calls.add(new Call(request.path(), headers, body));
                request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(answer.toString());
            })).listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Fake challenge-service cannot listen on " + port, e);
        }
    }
}
