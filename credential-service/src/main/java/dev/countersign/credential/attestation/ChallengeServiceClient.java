package dev.countersign.credential.attestation;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.countersign.common.config.CountersignConfig;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.http.IdleTimeouts;
import dev.countersign.common.internal.InternalSecret;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;

/**
 * challenge-service's attestation nonces of an action
 * ({@code GET /internal/v1/attestation-nonces?tenantId=&idempotencyKey=} → {@code {nonces: [...]}}),
 * for an App Attest statement sent without its nonce (docs/attestation.md). A short timeout: a
 * device is waiting; no answer, or one that does not fit, is 503 rather than a guess.
 */
@ApplicationScoped
public class ChallengeServiceClient {

    private static final Logger LOG = Logger.getLogger(ChallengeServiceClient.class);
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient http;
    private final String baseUrl;
    private final InternalSecret secret;

    public ChallengeServiceClient(Vertx vertx, CountersignConfig config, InternalSecret secret) {
        this.secret = secret;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) TIMEOUT.toMillis())
                .setKeepAlive(true)
                // Given up before the service closes it (IdleTimeouts).
                .setKeepAliveTimeout((int) IdleTimeouts.clientKeepAlive().toSeconds()));
        this.baseUrl = config.services().challengeUrl().replaceAll("/+$", "");
    }

    @PreDestroy
    void close() {
        http.closeAndForget();
    }

    /** The unexpired nonces challenge-service issued for the action (tenant + idempotency key). */
    public Uni<List<String>> attestationNonces(String tenantId, String idempotencyKey) {
        String uri = baseUrl + "/internal/v1/attestation-nonces?tenantId=" + encode(tenantId)
                + "&idempotencyKey=" + encode(idempotencyKey);
        return http.request(secret.authorize(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(uri)
                        .putHeader("Accept", "application/json")))
                .flatMap(request -> request.send())
                .flatMap(response -> response.body().map(body -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("challenge-service answered " + response.statusCode());
                    }
                    JsonArray nonces = body.toJsonObject().getJsonArray("nonces");
                    if (nonces == null) {
                        throw new IllegalStateException("challenge-service answered without nonces");
                    }
                    List<String> listed = new ArrayList<>();
                    for (int i = 0; i < nonces.size(); i++) {
                        listed.add(nonces.getString(i));
                    }
                    return listed;
                }))
                .ifNoItem().after(TIMEOUT).fail()
                .onFailure(failure -> !(failure instanceof ApiException)).transform(failure -> {
                    LOG.warnf("Attestation nonce lookup at challenge-service failed: %s", failure.toString());
                    return new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "Attestation nonce lookup is unavailable");
                });
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
