package dev.countersign.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.countersign.local.launcher.CountersignStack;

/**
 * CORS for the browser SDK, through the edge: the run's tenant allows {@code https://app.example}
 * (set for the e2e run through {@code COUNTERSIGN_ALLOWED_ORIGINS}'s system property).
 */
@ExtendWith(RunningStack.class)
class CorsTest {

    private static final String ALLOWED = "https://app.example";
    private static final String FOREIGN = "https://evil.example";
    private static final String PATH = "/client/challenge/push";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void preflightWhenOriginAllowedThenAllowsTheSdkHeaders(CountersignStack stack) throws Exception {
        HttpResponse<String> response = preflight(stack, ALLOWED, "/client/user-authenticators/push");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains(ALLOWED);
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers").orElse(""))
                .contains("Authorization", "Content-Type");
        assertThat(response.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
    }

    @Test
    void preflightWhenOriginUnknownThenForbidden(CountersignStack stack) throws Exception {
        HttpResponse<String> response = preflight(stack, FOREIGN, PATH);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(response.body()).contains("\"errorCode\":\"origin_not_allowed\"");
    }

    @Test
    void requestWhenOriginNotAllowedForTheTenantThenForbidden(CountersignStack stack) throws Exception {
        assertThat(deviceCall(stack, FOREIGN).statusCode()).isEqualTo(403);

        HttpResponse<String> allowed = deviceCall(stack, ALLOWED);
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(404); // past CORS and auth: the key is unknown
        assertThat(allowed.body()).contains("invalid_credential");
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains(ALLOWED);
    }

    private static HttpResponse<String> preflight(CountersignStack stack, String origin, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + path))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> deviceCall(CountersignStack stack, String origin) throws Exception {
        String basic = Base64.getEncoder().encodeToString(stack.tenantId().getBytes(StandardCharsets.UTF_8));
        String key = Base64.getEncoder().encodeToString(
                "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEi/anAgDikwLzvtikjsEPDNAiJetsGFlfgeEuvhkfMBSzb9CDr033t+D0eg28YCmu4Et2D/0cvIkqjfMvycy5Lw=="
                        .getBytes(StandardCharsets.US_ASCII));
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/client/user-authenticators/push?publicKey=" + key))
                .header("Origin", origin)
                .header("Authorization", "Basic " + basic)
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
