package dev.countersign.challenge.replica;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.countersign.challenge.lifecycle.Answer;
import dev.countersign.common.config.CountersignConfig;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.http.IdleTimeouts;
import dev.countersign.common.internal.InternalSecret;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;

/**
 * credential-service's internal lookups, for a key the replica has not heard of yet
 * ({@code GET /internal/v1/credentials?tenantId=&publicKey=&kind=} → the active credential, or 404)
 * and for a user whose index lacks a credential ({@code GET /internal/v1/user-credentials}).
 * A short timeout: a device is waiting, and a slow answer is no better than none.
 */
@ApplicationScoped
public class CredentialServiceClient {

    private static final Logger LOG = Logger.getLogger(CredentialServiceClient.class);
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient http;
    private final String baseUrl;
    private final InternalSecret secret;

    public CredentialServiceClient(Vertx vertx, CountersignConfig config, InternalSecret secret) {
        this.secret = secret;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) TIMEOUT.toMillis())
                .setKeepAlive(true)
                // Given up before the service closes it (IdleTimeouts).
                .setKeepAliveTimeout((int) IdleTimeouts.clientKeepAlive().toSeconds()));
        String url = config.services().credentialUrl();
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @PreDestroy
    void close() {
        http.closeAndForget();
    }

    /** The active credential with this key, as credential-service has it now; empty on 404. */
    public Uni<Optional<Answer>> find(String tenantId, CredentialKind kind, DevicePublicKey key) {
        String uri = baseUrl + "/internal/v1/credentials?tenantId=" + encode(tenantId)
                + "&publicKey=" + encode(key.spkiBase64()) + "&kind=" + encode(kind.wireName());
        return get(uri, "Key", (status, body) -> {
            if (status == 404) {
                return Optional.<Answer>empty();
            }
            return answer(body, tenantId, kind, key);
        });
    }

    /**
     * The user's usable credentials as credential-service has them now:
     * {@code GET /internal/v1/user-credentials?tenantId=&userId=} → {@code {credentials: [...]}}.
     */
    public Uni<List<UserCredential>> listOfUser(String tenantId, String userId) {
        String uri = baseUrl + "/internal/v1/user-credentials?tenantId=" + encode(tenantId)
                + "&userId=" + encode(userId);
        return get(uri, "User", (status, body) -> {
            if (status != 200) {
                throw new IllegalStateException("credential-service answered " + status);
            }
            JsonArray credentials = body.getJsonArray("credentials");
            if (credentials == null) {
                throw new IllegalStateException("credential-service answered without credentials");
            }
            List<UserCredential> listed = new ArrayList<>();
            for (int i = 0; i < credentials.size(); i++) {
                JsonObject json = credentials.getJsonObject(i);
                CredentialKind kind = CredentialKind.fromWireName(json.getString("kind"))
                        .orElseThrow(() -> new IllegalStateException("credential-service answered an unknown kind"));
                DevicePublicKey key = DevicePublicKey.fromSpkiBase64(json.getString("publicKey"))
                        .orElseThrow(() -> new IllegalStateException("credential-service answered an unusable key"));
                Answer answer = answer(json, tenantId, kind, key).orElseThrow();
                if (!userId.equals(answer.userId())) {
                    throw new IllegalStateException("credential-service answered for another user");
                }
                listed.add(new UserCredential(kind, key, answer));
            }
            return listed;
        });
    }

    /**
     * One GET with the read-through's rules: {@code read} gets the status (200 or 404; any other
     * fails) and the JSON body; no answer in time, a refused connection or an answer that does not
     * fit is 503 rather than a guess.
     */
    private <T> Uni<T> get(String uri, String what, java.util.function.BiFunction<Integer, JsonObject, T> read) {
        return http.request(secret.authorize(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(uri)
                        .putHeader("Accept", "application/json")))
                .flatMap(request -> request.send())
                .flatMap(response -> response.body().map(body -> {
                    if (response.statusCode() != 200 && response.statusCode() != 404) {
                        throw new IllegalStateException("credential-service answered " + response.statusCode());
                    }
                    return read.apply(response.statusCode(),
                            response.statusCode() == 200 ? body.toJsonObject() : null);
                }))
                .ifNoItem().after(TIMEOUT).fail()
                .onFailure(failure -> !(failure instanceof ApiException)).transform(failure -> {
                    LOG.warnf("%s lookup at credential-service failed: %s", what, failure.toString());
                    return new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "Credential lookup is unavailable");
                });
    }

    private static Optional<Answer> answer(JsonObject json, String tenantId, CredentialKind kind, DevicePublicKey key) {
        String credentialId = json.getString("credentialId");
        String userId = json.getString("userId");
        Long version = json.getLong("version");
        if (credentialId == null || userId == null || version == null
                || !tenantId.equals(json.getString("tenantId"))
                || !kind.wireName().equals(json.getString("kind"))
                || !DevicePublicKey.fromSpkiBase64(json.getString("publicKey"))
                        .map(DevicePublicKey::spkiBase64).filter(key.spkiBase64()::equals).isPresent()) {
            throw new IllegalStateException("credential-service answered for another credential");
        }
        return Optional.of(new Answer(credentialId, userId, version, expiresAtMillis(json.getString("expiresAt")),
                json.getString("devicePlatform"), json.getString("pushToken")));
    }

    /** credential-service answers only unexpired credentials; the replica still needs the deadline. */
    private static Long expiresAtMillis(String expiresAt) {
        return expiresAt == null ? null : java.time.Instant.parse(expiresAt).toEpochMilli();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * What credential-service says about the key; tenant, kind and key are the ones asked for.
     * {@code devicePlatform} / {@code pushToken}: a push credential's delivery data (null = none).
     */
    public record Answer(String credentialId, String userId, long version, Long expiresAtMillis,
            String devicePlatform, String pushToken) {
    }

    /** One of a user's credentials: its kind and key, and what credential-service says about it. */
    public record UserCredential(CredentialKind kind, DevicePublicKey key, Answer answer) {
    }
}
