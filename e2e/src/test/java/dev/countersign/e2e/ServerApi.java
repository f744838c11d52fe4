package dev.countersign.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Server API as a tenant's backend calls it ({@code Basic base64(secret:)}, JSON), with the
 * JDK client so the bytes are ours; the real {@code @authsignal/node} runs in the compat suite.
 */
final class ServerApi {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String authorization;
    private final Map<String, String> headers;

    ServerApi(String baseUrl, String secretKey) {
        this(baseUrl, "Basic " + Base64.getEncoder().encodeToString((secretKey + ":").getBytes(StandardCharsets.UTF_8)),
                Map.of());
    }

    private ServerApi(String baseUrl, String authorization, Map<String, String> headers) {
        this.baseUrl = baseUrl;
        this.authorization = authorization;
        this.headers = headers;
    }

    /** The same backend adding a header to every call (a {@code traceparent}, for tracing tests). */
    ServerApi withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ServerApi(baseUrl, authorization, more);
    }

    Answer track(String userId, String action, String attributesJson) {
        return send("POST", "/users/" + userId + "/actions/" + action, attributesJson);
    }

    /** docs/protocol/wire.md#53-validate validate; {@code token} is a JWT (JSON-safe), so it is put in the body as is. */
    Answer validate(String token) {
        return send("POST", "/validate", "{\"token\":\"" + token + "\"}");
    }

    /** docs/protocol/wire.md#54-get-update-and-query-actions get action. */
    Answer action(String userId, String action, String idempotencyKey) {
        return send("GET", "/users/" + userId + "/actions/" + action + "/" + idempotencyKey, null);
    }

    Answer authenticators(String userId) {
        return send("GET", "/users/" + userId + "/authenticators", null);
    }

    Answer deleteAuthenticator(String userId, String id) {
        return send("DELETE", "/users/" + userId + "/authenticators/" + id, null);
    }

    Answer send(String method, String path, String body) {
        return sendAs(authorization, method, path, body);
    }

    /** A call with another Authorization header (a tenant's Basic, for the client calls a kiosk makes). */
    Answer sendAs(String authorization, String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(15))
                .header("Authorization", authorization)
                .header("User-Agent", "countersign-e2e");
        headers.forEach(request::header);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Answer(int status, JsonNode json) {

        String text(String field) {
            return json.path(field).asText(null);
        }

        @Override
        public String toString() {
            return status + " " + json;
        }
    }
}
