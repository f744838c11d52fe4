package dev.countersign.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.common.event.DeliveryStatus;
import dev.countersign.notifier.config.NotifierConfig;
import dev.countersign.notifier.delivery.push.ChannelResult;
import dev.countersign.notifier.delivery.push.FcmChannel;
import dev.countersign.notifier.delivery.push.PushNotification;
import dev.countersign.testkit.SettableClock;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.mutiny.core.Vertx;

/**
 * The FCM channel against a local Vert.x server playing Google's OAuth token endpoint (checks the
 * RS256 assertion with the test's public key) and FCM HTTP v1 (checks path, bearer and body).
 */
class FcmChannelTest {

    private static final String PROJECT = "demo-project";
    private static final String CLIENT_EMAIL = "notifier@demo-project.iam.gserviceaccount.com";
    private static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
    private static final Instant NOW = Instant.parse("2026-11-30T01:02:03Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Vertx vertx;
    private static HttpServer server;
    private static KeyPair serviceAccountKey;
    private static String serviceAccountJson;
    private static URI base;

    private static final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private static final List<Message> messages = new CopyOnWriteArrayList<>();
    private static final AtomicInteger issued = new AtomicInteger();

    /** One token request: whether its assertion verified, and the claims when it did. */
    record Exchange(boolean valid, String grantType, JwtClaims claims) {
    }

    record Message(String path, String authorization, String contentType, JsonNode body) {
    }

    /** Token expiry is tested by moving the clock, never by sleeping. */
    private final SettableClock clock = new SettableClock();
    private FcmChannel channel;

    @BeforeAll
    static void startFakeGoogle() throws Exception {
        serviceAccountKey = TestCertificates.rsa2048();
        vertx = Vertx.vertx();
        server = vertx.getDelegate().createHttpServer().requestHandler(FcmChannelTest::handle);
        int port = server.listen(0).toCompletionStage().toCompletableFuture().get().actualPort();
        base = URI.create("http://localhost:" + port);
        serviceAccountJson = JSON.writeValueAsString(Map.of(
                "type", "service_account",
                "project_id", PROJECT,
                "private_key_id", "key-1",
                "private_key", TestCertificates.pkcs8Pem(serviceAccountKey),
                "client_email", CLIENT_EMAIL,
                "token_uri", base + "/token"));
    }

    @AfterAll
    static void stopFakeGoogle() {
        server.close();
        vertx.closeAndAwait();
    }

    @BeforeEach
    void freshChannel() {
        clock.freezeAt(NOW);
        exchanges.clear();
        messages.clear();
        channel = new FcmChannel(config(Optional.of(serviceAccountJson)), vertx, clock);
    }

    @AfterEach
    void closeChannel() {
        channel.close();
    }

    private static void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            if (request.path().equals("/token")) {
                token(request, body.toString());
            } else {
                fcm(request, body.toString());
            }
        });
    }

    private static void token(HttpServerRequest request, String form) {
        Map<String, String> fields = new java.util.HashMap<>();
        for (String pair : form.split("&")) {
            String[] kv = pair.split("=", 2);
            fields.put(java.net.URLDecoder.decode(kv[0], java.nio.charset.StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(kv.length > 1 ? kv[1] : "", java.nio.charset.StandardCharsets.UTF_8));
        }
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setVerificationKey(serviceAccountKey.getPublic())
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256)
                .setExpectedIssuer(CLIENT_EMAIL)
                .setExpectedAudience(base + "/token")
                .setRequireIssuedAt()
                .setRequireExpirationTime()
                .setEvaluationTime(org.jose4j.jwt.NumericDate.fromSeconds(NOW.getEpochSecond()))
                .build();
        String grantType = fields.get("grant_type");
        try {
            JwtClaims claims = consumer.processToClaims(fields.get("assertion"));
            exchanges.add(new Exchange(true, grantType, claims));
            if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(grantType)
                    || !SCOPE.equals(claims.getClaimValueAsString("scope"))
                    || !"application/x-www-form-urlencoded".equals(request.getHeader("Content-Type"))) {
                request.response().setStatusCode(400).end("{\"error\":\"invalid_request\"}");
                return;
            }
        } catch (Exception e) {
            exchanges.add(new Exchange(false, grantType, null));
            request.response().setStatusCode(400).end("{\"error\":\"invalid_grant\"}");
            return;
        }
        request.response().putHeader("Content-Type", "application/json")
                .end("{\"access_token\":\"ya29.test-" + issued.incrementAndGet()
                        + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");
    }

    private static void fcm(HttpServerRequest request, String body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (Exception e) {
            request.response().setStatusCode(400).end();
            return;
        }
        messages.add(new Message(request.path(), request.getHeader("Authorization"), request.getHeader("Content-Type"),
                json));
        String device = json.path("message").path("token").asText();
        var response = request.response().putHeader("Content-Type", "application/json");
        switch (device) {
            case "dead-device" -> response.setStatusCode(404).end("""
                    {"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND",
                     "details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}}""");
            case "bad-device" -> response.setStatusCode(400).end("""
                    {"error":{"code":400,"message":"The registration token is not a valid FCM registration token",
                     "status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError",
                     "errorCode":"INVALID_ARGUMENT"}]}}""");
            case "busy-device" -> response.setStatusCode(503).end("""
                    {"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}""");
            default -> response.setStatusCode(200).end("{\"name\":\"projects/" + PROJECT + "/messages/0:1\"}");
        }
    }

    @Test
    void sendWhenDeviceRegisteredThenExactlyOneWellFormedMessage() throws Exception {
        PushNotification push = PushNotification.dataOnly("test-tenant", "ch-123", NOW.plusSeconds(300));

        ChannelResult result = channel.send("good-device", push).await().atMost(Duration.ofSeconds(10));

        assertThat(result).isEqualTo(ChannelResult.accepted(200));
        assertThat(exchanges).hasSize(1);
        Exchange exchange = exchanges.get(0);
        assertThat(exchange.valid()).isTrue();
        assertThat(exchange.grantType()).isEqualTo("urn:ietf:params:oauth:grant-type:jwt-bearer");
        assertThat(exchange.claims().getClaimValueAsString("scope")).isEqualTo(SCOPE);
        assertThat(exchange.claims().getExpirationTime().getValue() - exchange.claims().getIssuedAt().getValue())
                .isEqualTo(3600);
        assertThat(messages).hasSize(1);
        Message message = messages.get(0);
        assertThat(message.path()).isEqualTo("/v1/projects/" + PROJECT + "/messages:send");
        assertThat(message.authorization()).isEqualTo("Bearer ya29.test-" + issued.get());
        assertThat(message.contentType()).isEqualTo("application/json");
        assertThat(message.body()).isEqualTo(JSON.readTree("""
                {"message":{"token":"good-device","data":{"challengeId":"ch-123","tenantId":"test-tenant"},
                 "android":{"priority":"high","collapse_key":"ch-123","ttl":"300s"}}}"""));
    }

    @Test
    void sendWhenVisibleThenNotificationBlockWithTitleAndBody() {
        channel.send("good-device", new PushNotification("test-tenant", "ch-1", "Sign-in request", "Approve?", null))
                .await().atMost(Duration.ofSeconds(10));

        JsonNode message = messages.get(0).body().path("message");
        assertThat(message.path("notification").path("title").asText()).isEqualTo("Sign-in request");
        assertThat(message.path("notification").path("body").asText()).isEqualTo("Approve?");
        assertThat(message.path("android").has("ttl")).isFalse();
    }

    @Test
    void sendTwiceThenOneTokenExchange() {
        channel.send("good-device", push()).await().atMost(Duration.ofSeconds(10));
        clock.advance(Duration.ofMinutes(50));
        channel.send("good-device", push()).await().atMost(Duration.ofSeconds(10));

        assertThat(exchanges).hasSize(1);
        assertThat(messages).hasSize(2);
        assertThat(messages.get(1).authorization()).isEqualTo(messages.get(0).authorization());
    }

    @Test
    void sendWhenTokenAboutToExpireThenExchangedAgain() {
        channel.send("good-device", push()).await().atMost(Duration.ofSeconds(10));
        // Issued for 3600 s; renewed a minute before that.
        clock.advance(Duration.ofSeconds(3541));
        channel.send("good-device", push()).await().atMost(Duration.ofSeconds(10));

        assertThat(exchanges).hasSize(2);
        assertThat(messages.get(1).authorization()).isNotEqualTo(messages.get(0).authorization());
    }

    @Test
    void sendWhenDeviceUnregisteredThenUnregistered() {
        ChannelResult result = channel.send("dead-device", push()).await().atMost(Duration.ofSeconds(10));

        assertThat(result).isEqualTo(ChannelResult.unregistered("UNREGISTERED", 404));
        assertThat(messages).hasSize(1);
    }

    @Test
    void sendWhenInvalidArgumentThenRejectedNotRetried() {
        ChannelResult result = channel.send("bad-device", push()).await().atMost(Duration.ofSeconds(10));

        assertThat(result).isEqualTo(ChannelResult.rejected("INVALID_ARGUMENT", 400));
        assertThat(result.retryable()).isFalse();
    }

    @Test
    void sendWhenFcmUnavailableThenFailedRetryable() {
        ChannelResult result = channel.send("busy-device", push()).await().atMost(Duration.ofSeconds(10));

        assertThat(result).isEqualTo(ChannelResult.failed("UNAVAILABLE", 503));
        assertThat(result.retryable()).isTrue();
    }

    @Test
    void sendWhenAssertionSignedWithAnotherKeyThenFailedAndNoMessage() throws Exception {
        channel.close();
        String otherKeyAccount = JSON.writeValueAsString(Map.of(
                "project_id", PROJECT, "client_email", CLIENT_EMAIL, "token_uri", base + "/token",
                "private_key", TestCertificates.pkcs8Pem(TestCertificates.rsa2048())));
        channel = new FcmChannel(config(Optional.of(otherKeyAccount)), vertx, clock);

        ChannelResult result = channel.send("good-device", push()).await().atMost(Duration.ofSeconds(10));

        assertThat(result.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(exchanges).extracting(Exchange::valid).containsExactly(false);
        assertThat(messages).isEmpty();
    }

    @Test
    void channelWhenNotConfiguredThenDisabled() {
        FcmChannel off = new FcmChannel(config(Optional.empty()), vertx, clock);

        assertThat(off.enabled()).isFalse();
        assertThat(off.send("good-device", push()).await().indefinitely())
                .isEqualTo(ChannelResult.rejected("not configured", null));
        assertThat(exchanges).isEmpty();
    }

    @Test
    void channelWhenServiceAccountLacksKeyThenRefusesToStartWithoutEchoingIt() {
        assertThatThrownBy(() -> new FcmChannel(config(Optional.of("{\"client_email\":\"x@y\"}")), vertx, clock))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("private_key");
    }

    private static PushNotification push() {
        return PushNotification.dataOnly("test-tenant", "ch-1", NOW.plusSeconds(300));
    }

    private static FcmConfig config(Optional<String> serviceAccount) {
        return new FcmConfig(Optional.empty(), serviceAccount, Optional.empty(), base, Optional.empty(),
                Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    record FcmConfig(Optional<String> projectId, Optional<String> serviceAccount, Optional<Path> serviceAccountPath,
            URI baseUrl, Optional<URI> tokenUri, Duration connectTimeout, Duration readTimeout)
            implements NotifierConfig.Fcm {
    }
}
