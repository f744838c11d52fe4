package dev.countersign.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The two push calls of {@code @authsignal/browser} 1.16.0 ({@code PushApiClient},
 * docs/protocol/wire.md#41-push-from-the-browser) as a page on an allowed origin makes them: {@code fetch} POSTs with only {@code Content-Type}
 * and {@code Authorization: Bearer <track token>} (plus the {@code Origin} the browser adds on a
 * cross-origin call). The real SDK runs in the compat suite; this one lets JUnit read statuses and
 * headers (Retry-After), which the SDK hides.
 */
final class BrowserClient {

    /** The origin the e2e run's tenant allows (e2e/pom.xml, countersign.allowed-origins). */
    static final String ORIGIN = "https://app.example";

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String token;
    private final String address;
    private final Map<String, String> headers;

    /**
     * Each browser gets its own documentation address (TEST-NET-3), handed on as a load balancer in
     * front of the edge would: the services believe it because the edge is a trusted proxy, so the
     * per-address push budget sees many browsers, not one loopback address for the whole suite.
     */
    BrowserClient(String baseUrl, String token) {
        this(baseUrl, token, "203.0.113." + ThreadLocalRandom.current().nextInt(1, 255), Map.of());
    }

    private BrowserClient(String baseUrl, String token, String address, Map<String, String> headers) {
        this.baseUrl = baseUrl;
        this.token = token;
        this.address = address;
        this.headers = headers;
    }

    /** The same browser adding a header to every call (a {@code traceparent}, for tracing tests). */
    BrowserClient withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new BrowserClient(baseUrl, token, address, more);
    }

    /** {@code authsignal.push.challenge({action})}: {@code POST /client/challenge/push}. */
    Answer challengePush(String action) {
        ObjectNode body = JSON.createObjectNode();
        if (action != null) {
            body.put("action", action);
        }
        return post("/client/challenge/push", body);
    }

    /** {@code authsignal.push.verify({challengeId})}: {@code POST /client/verify/push}, the poll. */
    Answer verifyPush(String challengeId) {
        return post("/client/verify/push", JSON.createObjectNode().put("challengeId", challengeId));
    }

    private Answer post(String path, JsonNode body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .header("Origin", ORIGIN)
                .header("X-Forwarded-For", address);
        headers.forEach(builder::header);
        HttpRequest request = builder.POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = JSON.readTree(response.body());
            } catch (IOException notJson) {
                json = null;
            }
            return new Answer(response.statusCode(), json, response.body(), response.headers().firstValue("Retry-After"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Answer(int status, JsonNode json, String body, Optional<String> retryAfter) {

        String text(String field) {
            return json == null || !json.hasNonNull(field) ? null : json.get(field).asText();
        }

        boolean flag(String field) {
            return json != null && json.path(field).asBoolean(false);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
