package dev.countersign.notifier.delivery.push;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.countersign.common.http.RetryAfter;
import dev.countersign.notifier.config.NotifierConfig;
import dev.countersign.notifier.delivery.OutboundPost;
import dev.countersign.notifier.delivery.RetryPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;

/**
 * FCM HTTP v1: {@code POST {base}/v1/projects/{project}/messages:send} with an OAuth access token
 * obtained from a service account (an RS256-signed JWT assertion exchanged at the token URI) and
 * cached until a minute before it expires. One exchange is in flight at a time, however many sends
 * wait for it.
 */
@Singleton
public class FcmChannel implements PushChannel {

    public static final String NAME = "fcm";

    static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private static final Logger LOG = Logger.getLogger(FcmChannel.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ASSERTION_LIFETIME = Duration.ofHours(1);
    /** Renew this long before the token expires, so no request goes out with a token about to lapse. */
    private static final Duration RENEW_BEFORE = Duration.ofMinutes(1);

    private final NotifierConfig.Fcm config;
    private final Clock clock;
    private final ServiceAccount account;
    private final URI sendUrl;
    private final URI tokenUri;
    private final HttpClient http;

    private volatile AccessToken token;
    private Uni<AccessToken> exchange;

    @Inject
    public FcmChannel(NotifierConfig config, Vertx vertx, Clock clock) {
        this(config.fcm(), vertx, clock);
    }

    public FcmChannel(NotifierConfig.Fcm config, Vertx vertx, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.account = ServiceAccount.load(config).orElse(null);
        if (account == null) {
            this.sendUrl = null;
            this.tokenUri = null;
            this.http = null;
            return;
        }
        String project = config.projectId().or(() -> Optional.ofNullable(account.projectId()))
                .orElseThrow(() -> new IllegalStateException(
                        "countersign.notifier.fcm.project-id is missing and the service account has no project_id"));
        String base = config.baseUrl().toString().replaceAll("/+$", "");
        this.sendUrl = URI.create(base + "/v1/projects/" + project + "/messages:send");
        this.tokenUri = config.tokenUri().orElseGet(() -> URI.create(account.tokenUri()));
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setKeepAlive(true));
        LOG.infof("FCM channel for project %s", project);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean enabled() {
        return account != null;
    }

    @Override
    public Uni<ChannelResult> send(String deviceToken, PushNotification notification) {
        if (account == null) {
            return Uni.createFrom().item(ChannelResult.rejected("not configured", null));
        }
        byte[] body = message(deviceToken, notification);
        return accessToken()
                .onFailure().recoverWithItem(failure -> null)
                .flatMap(access -> {
                    if (access == null) {
                        return Uni.createFrom().item(ChannelResult.failed("oauth token not obtained", null));
                    }
                    return post(sendUrl, "application/json", "Bearer " + access.value(), body)
                            .map(response -> result(response, access))
                            .onFailure().recoverWithItem(FcmChannel::failure);
                });
    }

    /** The HTTP v1 message: data for the app, high priority so a dozing Android wakes for it. */
    byte[] message(String deviceToken, PushNotification notification) {
        ObjectNode message = JSON.createObjectNode();
        message.put("token", deviceToken);
        ObjectNode data = message.putObject("data");
        notification.data().forEach(data::put);
        if (notification.visible()) {
            ObjectNode shown = message.putObject("notification");
            if (notification.title() != null) {
                shown.put("title", notification.title());
            }
            if (notification.body() != null) {
                shown.put("body", notification.body());
            }
        }
        ObjectNode android = message.putObject("android");
        android.put("priority", "high");
        if (notification.challengeId() != null) {
            android.put("collapse_key", notification.challengeId());
        }
        if (notification.expiresAt() != null) {
            long seconds = Math.max(0, Duration.between(clock.instant(), notification.expiresAt()).toSeconds());
            android.put("ttl", seconds + "s");
        }
        ObjectNode root = JSON.createObjectNode();
        root.set("message", message);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("FCM message not serialisable", e);
        }
    }

    private ChannelResult result(Response response, AccessToken used) {
        int status = response.status();
        if (status == 200) {
            return ChannelResult.accepted(status);
        }
        String code = errorCode(response.body()).orElse("HTTP " + status);
        if (status == 404 || "UNREGISTERED".equals(code)) {
            return ChannelResult.unregistered(code, status);
        }
        if (status == 401) {
            // Revoked or rotated early: drop it so the retry exchanges a fresh one.
            forget(used);
            return ChannelResult.failed(code, status);
        }
        if (status == 429 || status >= 500) {
            // FCM sends Retry-After with 429 and 503; the retry waits at least that long.
            return ChannelResult.failed(code, status,
                    RetryAfter.parse(response.retryAfter(), clock.instant(), RetryPolicy.RETRY_AFTER_MAX).orElse(null));
        }
        return ChannelResult.rejected(code, status);
    }

    /** FCM's own error code ({@code details[].errorCode}), else the Google API status. Never the message text. */
    static Optional<String> errorCode(byte[] body) {
        try {
            JsonNode error = JSON.readTree(body).path("error");
            for (JsonNode detail : error.path("details")) {
                if (detail.path("errorCode").isTextual()) {
                    return Optional.of(detail.path("errorCode").asText());
                }
            }
            return error.path("status").isTextual() ? Optional.of(error.path("status").asText()) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static ChannelResult failure(Throwable failure) {
        if (failure.getClass().getSimpleName().contains("Timeout")) {
            return ChannelResult.failed("timeout", null);
        }
        return ChannelResult.failed("network error (" + failure.getClass().getSimpleName() + ")", null);
    }

    Uni<AccessToken> accessToken() {
        AccessToken current = token;
        if (current != null && clock.instant().isBefore(current.renewAt())) {
            return Uni.createFrom().item(current);
        }
        synchronized (this) {
            if (exchange == null) {
                exchange = exchangeAssertion()
                        .invoke(fresh -> token = fresh)
                        .onTermination().invoke(() -> {
                            synchronized (this) {
                                exchange = null;
                            }
                        })
                        .memoize().indefinitely();
            }
            return exchange;
        }
    }

    private synchronized void forget(AccessToken used) {
        if (token == used) {
            token = null;
        }
    }

    private Uni<AccessToken> exchangeAssertion() {
        return Uni.createFrom().item(this::assertion)
                .map(jwt -> ("grant_type=" + URLEncoder.encode(GRANT_TYPE, StandardCharsets.UTF_8) + "&assertion="
                        + URLEncoder.encode(jwt, StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII))
                .flatMap(form -> post(tokenUri, "application/x-www-form-urlencoded", null, form))
                .map(response -> {
                    if (response.status() != 200) {
                        throw new IllegalStateException("token endpoint answered HTTP " + response.status());
                    }
                    try {
                        JsonNode answer = JSON.readTree(response.body());
                        String value = answer.path("access_token").asText(null);
                        long lifetime = answer.path("expires_in").asLong(0);
                        if (value == null || lifetime <= 0) {
                            throw new IllegalStateException("token endpoint answered without access_token/expires_in");
                        }
                        return new AccessToken(value, clock.instant().plusSeconds(lifetime).minus(RENEW_BEFORE));
                    } catch (IOException e) {
                        throw new IllegalStateException("token endpoint answered malformed JSON", e);
                    }
                })
                .onFailure().invoke(failure -> LOG.warnf("FCM OAuth token not obtained: %s", failure.getMessage()));
    }

    /** The service account's RS256 JWT assertion (Google's server-to-server OAuth flow). */
    private String assertion() {
        Instant now = clock.instant();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(account.clientEmail());
        claims.setAudience(tokenUri.toString());
        claims.setClaim("scope", SCOPE);
        claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(now.plus(ASSERTION_LIFETIME).getEpochSecond()));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        if (account.privateKeyId() != null) {
            jws.setKeyIdHeaderValue(account.privateKeyId());
        }
        jws.setKey(account.privateKey());
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("JWT assertion not signed", e);
        }
    }

    private Uni<Response> post(URI url, String contentType, String authorization, byte[] body) {
        RequestOptions request = OutboundPost.to(url, contentType, config.connectTimeout(), config.readTimeout());
        if (authorization != null) {
            request.putHeader("Authorization", authorization);
        }
        return http.request(request)
                .flatMap(r -> r.send(Buffer.buffer(body)))
                .flatMap(response -> response.body()
                        .map(answer -> new Response(response.statusCode(), answer.getBytes(),
                                response.getHeader(RetryAfter.HEADER))));
    }

    @PreDestroy
    public void close() {
        if (http != null) {
            http.closeAndAwait();
        }
    }

    record Response(int status, byte[] body, String retryAfter) {
    }

    record AccessToken(String value, Instant renewAt) {
    }

    /** The fields of a Google service-account key file this channel uses. */
    record ServiceAccount(String projectId, String clientEmail, String privateKeyId, PrivateKey privateKey,
            String tokenUri) {

        static Optional<ServiceAccount> load(NotifierConfig.Fcm config) {
            if (config.serviceAccount().isEmpty() && config.serviceAccountPath().isEmpty()) {
                return Optional.empty();
            }
            try {
                JsonNode json = JSON.readTree(config.serviceAccount().isPresent()
                        ? config.serviceAccount().get().getBytes(StandardCharsets.UTF_8)
                        : Files.readAllBytes(config.serviceAccountPath().get()));
                String email = required(json, "client_email");
                String pem = required(json, "private_key");
                String der = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
                PrivateKey key = KeyFactory.getInstance("RSA")
                        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(der)));
                String tokenUri = json.path("token_uri").asText("https://oauth2.googleapis.com/token");
                return Optional.of(new ServiceAccount(json.path("project_id").asText(null), email,
                        json.path("private_key_id").asText(null), key, tokenUri));
            } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
                if (e instanceof MissingField) {
                    throw new IllegalStateException("countersign.notifier.fcm " + e.getMessage(), e);
                }
                // Never echo the file: it holds the private key.
                throw new IllegalStateException("countersign.notifier.fcm service account unreadable: "
                        + e.getClass().getSimpleName(), e);
            }
        }

        private static String required(JsonNode json, String field) {
            if (!json.path(field).isTextual()) {
                throw new MissingField("service account has no " + field);
            }
            return json.path(field).asText();
        }
    }

    private static final class MissingField extends IllegalArgumentException {
        MissingField(String message) {
            super(message);
        }
    }
}
