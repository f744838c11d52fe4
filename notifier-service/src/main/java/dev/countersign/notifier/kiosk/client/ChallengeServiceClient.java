package dev.countersign.notifier.kiosk.client;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.countersign.common.config.CountersignConfig;
import dev.countersign.common.http.IdleTimeouts;
import dev.countersign.notifier.config.NotifierConfig;
import dev.countersign.notifier.kiosk.KioskClient;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;

/**
 * challenge-service's public QR endpoints, called for a kiosk socket exactly as a polling browser
 * calls them (docs/architecture.md#service-to-service-calls). The device code stays between the two
 * services; the access token reaches the notifier only here, never through Kafka.
 *
 * <p>A Vert.x client rather than a declarative REST Client: one timeout for connecting and for
 * the answer, no redirects, and challenge-service's JSON error passed on as it came.
 */
@Singleton
public class ChallengeServiceClient {

    private static final Logger LOG = Logger.getLogger(ChallengeServiceClient.class);

    static final String CREATE_PATH = "/v1/client/challenge/qr-code";
    static final String VERIFY_PATH = "/v1/client/verify/qr-code";

    /** challenge-service's answer to a create: what the socket needs, the device code kept in memory. */
    public record CreatedChallenge(String challengeId, String deviceCode, Instant expiresAt) {
    }

    /** The poll answer; {@code accessToken} only when verified. */
    public record Verification(boolean isClaimed, boolean isConsumed, boolean isVerified, Optional<String> accessToken) {
    }

    private final HttpClient client;
    private final String baseUrl;
    private final NotifierConfig.Kiosk config;
    private final ObjectMapper json;

    public ChallengeServiceClient(Vertx vertx, CountersignConfig countersign, NotifierConfig config, ObjectMapper json) {
        this.config = config.kiosk();
        this.json = json;
        this.baseUrl = countersign.services().challengeUrl().replaceAll("/+$", "");
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) this.config.challengeServiceTimeout().toMillis())
                .setMaxPoolSize(64)
                .setKeepAlive(true)
                // Given up before the service closes it (IdleTimeouts).
                .setKeepAliveTimeout((int) IdleTimeouts.clientKeepAlive().toSeconds()));
    }

    /** {@code POST /v1/client/challenge/qr-code} with the socket's credentials and context. */
    public Uni<CreatedChallenge> create(KioskClient kiosk, String action, JsonNode custom) {
        ObjectNode body = json.createObjectNode();
        if (action != null) {
            body.put("action", action);
        }
        if (custom != null) {
            body.set("custom", custom);
        }
        RequestOptions request = request(CREATE_PATH, kiosk.createAuthorization())
                .putHeader("X-Forwarded-For", kiosk.forwardedFor());
        kiosk.userAgent().ifPresent(agent -> request.putHeader("User-Agent", agent));
        return send(request, body).map(answer -> {
            String challengeId = text(answer, "challengeId");
            String deviceCode = text(answer, "deviceCode");
            String expiresAt = text(answer, "expiresAt");
            if (challengeId == null || deviceCode == null || expiresAt == null) {
                throw new ChallengeServiceException(502, "unavailable", "challenge-service answered without challengeId, deviceCode or expiresAt");
            }
            try {
                return new CreatedChallenge(challengeId, deviceCode, Instant.parse(expiresAt));
            } catch (DateTimeParseException e) {
                throw new ChallengeServiceException(502, "unavailable", "challenge-service answered an unreadable expiresAt");
            }
        });
    }

    /** {@code POST /v1/client/verify/qr-code} with the device code, tenant Basic. */
    public Uni<Verification> verify(String tenantId, String challengeId, String deviceCode) {
        ObjectNode body = json.createObjectNode().put("challengeId", challengeId).put("deviceCode", deviceCode);
        return send(request(VERIFY_PATH, KioskClient.tenantBasic(tenantId)), body)
                .map(answer -> new Verification(answer.path("isClaimed").asBoolean(false),
                        answer.path("isConsumed").asBoolean(false), answer.path("isVerified").asBoolean(false),
                        Optional.ofNullable(text(answer, "accessToken"))));
    }

    private RequestOptions request(String path, String authorization) {
        return new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(baseUrl + path)
                .setFollowRedirects(false)
                .setConnectTimeout(config.challengeServiceTimeout().toMillis())
                .setIdleTimeout(config.challengeServiceTimeout().toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("Authorization", authorization);
    }

    private Uni<JsonNode> send(RequestOptions request, JsonNode body) {
        return client.request(request)
                .flatMap(r -> r.send(Buffer.buffer(body.toString())))
                .flatMap(response -> response.body().map(buffer -> {
                    JsonNode answer = parse(buffer.toString());
                    if (response.statusCode() != 200) {
                        String error = text(answer, "error");
                        throw new ChallengeServiceException(response.statusCode(), error == null ? "unavailable" : error,
                                Optional.ofNullable(text(answer, "errorDescription"))
                                        .orElse("challenge-service answered " + response.statusCode()));
                    }
                    return answer;
                }))
                .onFailure(failure -> !(failure instanceof ChallengeServiceException))
                .transform(failure -> {
                    // The cause names internal addresses: logged here, not passed on to the kiosk.
                    LOG.warnf("challenge-service unreachable: %s", failure.toString());
                    return new ChallengeServiceException(0, "unavailable", "The challenge service is unavailable; try again");
                });
    }

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (Exception e) {
            return json.createObjectNode();
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || !value.isTextual() ? null : value.asText();
    }

    @PreDestroy
    void close() {
        client.closeAndAwait();
    }
}
