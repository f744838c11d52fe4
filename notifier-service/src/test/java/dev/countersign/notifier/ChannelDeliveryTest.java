package dev.countersign.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.eatthepath.pushy.apns.auth.ApnsVerificationKey;
import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.MockApnsServerListener;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.server.ValidatingPushNotificationHandlerFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.common.crypto.Sha256;
import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.common.event.PushTarget;
import dev.countersign.testkit.EventTopics;
import dev.countersign.testkit.TestTenants;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code push.requested} with per-device targets on the real Kafka → APNs (Pushy's MockApnsServer,
 * which verifies the provider token's signature, the topic and the device token) and FCM (a local
 * server that verifies the OAuth assertion and takes the message), with the attempts on
 * {@code delivery-events} and final failures on {@code challenge-events-dlq}.
 */
@QuarkusTest
class ChannelDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String IOS_DEVICE = "a1".repeat(32);
    private static final String UNINSTALLED_IOS_DEVICE = "c3".repeat(32);
    private static final ObjectMapper JSON = new ObjectMapper();

    record Apns(String path, String topic, String pushType, String collapseId, String payload, RejectionReason reason) {
    }

    record Fcm(String path, String authorization, JsonNode body, long receivedNanos) {
    }

    private static final List<Apns> apns = new CopyOnWriteArrayList<>();
    private static final List<Fcm> fcm = new CopyOnWriteArrayList<>();
    private static final Set<String> throttled = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static MockApnsServer apnsServer;
    private static Vertx vertx;
    private static HttpServer fcmServer;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    ObjectMapper json;

    private KafkaProducer<String, String> producer;

    @BeforeAll
    static void startProviders() throws Exception {
        Base64.Decoder b64 = Base64.getDecoder();
        KeyFactory ec = KeyFactory.getInstance("EC");
        PrivateKey tlsKey = ec.generatePrivate(new PKCS8EncodedKeySpec(b64.decode(PushProvidersConfig.property("tls-key"))));
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(b64.decode(PushProvidersConfig.property("tls-certificate"))));
        ECPublicKey signing = (ECPublicKey) ec.generatePublic(
                new X509EncodedKeySpec(b64.decode(PushProvidersConfig.property("signing-public-key"))));
        ApnsVerificationKey verificationKey = new ApnsVerificationKey(PushProvidersConfig.KEY_ID,
                PushProvidersConfig.TEAM_ID, signing);
        apnsServer = new MockApnsServerBuilder()
                .setServerCredentials(new X509Certificate[] {certificate}, tlsKey, null)
                .setHandlerFactory(new ValidatingPushNotificationHandlerFactory(
                        Map.of(PushProvidersConfig.TOPIC, Set.of(IOS_DEVICE)),
                        Map.of(UNINSTALLED_IOS_DEVICE, Instant.now().minusSeconds(3600)),
                        Map.of(PushProvidersConfig.KEY_ID, verificationKey),
                        Map.of(verificationKey, Set.of(PushProvidersConfig.TOPIC))))
                .setListener(new MockApnsServerListener() {
                    @Override
                    public void handlePushNotificationAccepted(Http2Headers headers, ByteBuf payload) {
                        apns.add(received(headers, payload, null));
                    }

                    @Override
                    public void handlePushNotificationRejected(Http2Headers headers, ByteBuf payload,
                            RejectionReason reason, Instant expiration) {
                        apns.add(received(headers, payload, reason));
                    }
                })
                .build();
        apnsServer.start(Integer.parseInt(PushProvidersConfig.property("apns-port"))).get();

        PublicKey account = KeyFactory.getInstance("RSA").generatePublic(
                new X509EncodedKeySpec(b64.decode(PushProvidersConfig.property("account-public-key"))));
        vertx = Vertx.vertx();
        fcmServer = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            if (request.path().equals("/token")) {
                token(request, body.toString(), account);
            } else {
                message(request, body.toString());
            }
        }));
        fcmServer.listen(Integer.parseInt(PushProvidersConfig.property("fcm-port")), "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get();
    }

    private static Apns received(Http2Headers headers, ByteBuf payload, RejectionReason reason) {
        return new Apns(str(headers.path()), str(headers.get("apns-topic")), str(headers.get("apns-push-type")),
                str(headers.get("apns-collapse-id")), payload == null ? null : payload.toString(StandardCharsets.UTF_8),
                reason);
    }

    private static String str(CharSequence value) {
        return value == null ? null : value.toString();
    }

    /** The OAuth token endpoint: answers only an assertion signed with the service account's key. */
    private static void token(HttpServerRequest request, String form, PublicKey account) {
        String assertion = null;
        for (String pair : form.split("&")) {
            if (pair.startsWith("assertion=")) {
                assertion = java.net.URLDecoder.decode(pair.substring(10), StandardCharsets.UTF_8);
            }
        }
        try {
            new JwtConsumerBuilder().setVerificationKey(account).setSkipDefaultAudienceValidation().build()
                    .processToClaims(assertion);
        } catch (Exception e) {
            request.response().setStatusCode(400).end("{\"error\":\"invalid_grant\"}");
            return;
        }
        request.response().putHeader("Content-Type", "application/json")
                .end("{\"access_token\":\"ya29.channel-test\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");
    }

    private static void message(HttpServerRequest request, String body) {
        JsonNode parsed;
        try {
            parsed = JSON.readTree(body);
        } catch (Exception e) {
            request.response().setStatusCode(400).end();
            return;
        }
        fcm.add(new Fcm(request.path(), request.getHeader("Authorization"), parsed, System.nanoTime()));
        String device = parsed.path("message").path("token").asText();
        var response = request.response().putHeader("Content-Type", "application/json");
        if (device.startsWith("dead-")) {
            response.setStatusCode(404).end("""
                    {"error":{"code":404,"status":"NOT_FOUND","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}}""");
        } else if (device.startsWith("throttled-") && throttled.add(device)) {
            // FCM's quota answer: 429 with Retry-After (seconds); the next try is let through.
            response.setStatusCode(429).putHeader("Retry-After", "1").end("""
                    {"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"QUOTA_EXCEEDED"}]}}""");
        } else if (device.startsWith("busy-")) {
            response.setStatusCode(503).end("{\"error\":{\"code\":503,\"status\":\"UNAVAILABLE\"}}");
        } else {
            response.setStatusCode(200).end("{\"name\":\"projects/demo-project/messages/1\"}");
        }
    }

    @AfterAll
    static void stopProviders() throws Exception {
        apnsServer.shutdown().get();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    @Inject
    dev.countersign.common.config.CountersignConfig config;

    @BeforeEach
    void openProducer() {
        // The test tenant also has the webhook; it must answer, or its retries blur the counts.
        WebhookReceiver.at(config.tenants().get(TestTenants.TENANT_ID).webhookUrl().orElseThrow());
        producer = EventTopics.producer(bootstrap);
    }

    @AfterEach
    void closeProducer() {
        producer.close();
    }

    @Test
    void iosAndAndroidTargetsEachGetExactlyOneWellFormedNotificationAndAReplaySendsNothingNew() throws Exception {
        String fcmToken = "fcm-" + UUID.randomUUID();
        String iosCredential = UUID.randomUUID().toString();
        String androidCredential = UUID.randomUUID().toString();
        ChallengeEvent event = push(List.of(new PushTarget(iosCredential, "ios", IOS_DEVICE),
                new PushTarget(androidCredential, "android", fcmToken),
                // No channel for it: the webhook alone.
                new PushTarget(UUID.randomUUID().toString(), "windows", "w-" + UUID.randomUUID())));

        publish(event);

        List<JsonNode> attempts = deliveryEvents(event, 5);
        until(() -> apnsFor(event).size() == 1 && fcmFor(event).size() == 1);
        Apns toIphone = apnsFor(event).get(0);
        assertThat(toIphone.reason()).isNull();
        assertThat(toIphone.path()).isEqualTo("/3/device/" + IOS_DEVICE);
        assertThat(toIphone.topic()).isEqualTo(PushProvidersConfig.TOPIC);
        assertThat(toIphone.collapseId()).isEqualTo(event.challengeId());
        assertThat(JSON.readTree(toIphone.payload()).path("challengeId").asText()).isEqualTo(event.challengeId());
        assertThat(JSON.readTree(toIphone.payload()).path("tenantId").asText()).isEqualTo(TestTenants.TENANT_ID);
        Fcm toAndroid = fcmFor(event).get(0);
        assertThat(toAndroid.path()).isEqualTo("/v1/projects/" + PushProvidersConfig.PROJECT + "/messages:send");
        assertThat(toAndroid.authorization()).isEqualTo("Bearer ya29.channel-test");
        assertThat(toAndroid.body().path("message").path("token").asText()).isEqualTo(fcmToken);
        assertThat(toAndroid.body().path("message").path("data").path("challengeId").asText())
                .isEqualTo(event.challengeId());

        // webhook accepted + (sent, accepted) per device
        assertThat(attempts).filteredOn(a -> a.path("channel").asText().equals("apns"))
                .extracting(a -> a.path("status").asText()).containsExactlyInAnyOrder("sent", "accepted");
        assertThat(attempts).filteredOn(a -> a.path("channel").asText().equals("fcm"))
                .extracting(a -> a.path("status").asText()).containsExactlyInAnyOrder("sent", "accepted");
        JsonNode accepted = attempts.stream().filter(a -> a.path("channel").asText().equals("apns")
                && a.path("status").asText().equals("accepted")).findFirst().orElseThrow();
        assertThat(accepted.path("credentialId").asText()).isEqualTo(iosCredential);
        assertThat(accepted.path("idempotencyKey").asText()).isEqualTo(event.idempotencyKey());
        assertThat(accepted.path("httpStatus").asInt()).isEqualTo(200);
        assertThat(accepted.path("finalAttempt").asBoolean()).isTrue();
        assertThat(accepted.path("pushTokenSha256").asText()).isEqualTo(Sha256.hex(IOS_DEVICE));
        assertThat(attempts).allSatisfy(a -> assertThat(a.toString()).doesNotContain(IOS_DEVICE).doesNotContain(fcmToken));

        // The same push.requested again (a redelivery): nothing new reaches a device.
        publish(event);
        ChallengeEvent later = push(List.of(new PushTarget(androidCredential, "android", fcmToken)), event.challengeId());
        publish(later);
        deliveryEvents(later, 3);
        assertThat(apnsFor(event)).hasSize(1);
        assertThat(fcmFor(event)).hasSize(2); // one for each distinct push.requested
        assertThat(deliveryEvents(event, 5)).hasSize(5);
    }

    @Test
    void unregisteredTokensAreReportedAsSuchWithoutADeadLetter() {
        String iosCredential = UUID.randomUUID().toString();
        String androidCredential = UUID.randomUUID().toString();
        String deadFcm = "dead-" + UUID.randomUUID();
        ChallengeEvent event = push(List.of(new PushTarget(iosCredential, "ios", UNINSTALLED_IOS_DEVICE),
                new PushTarget(androidCredential, "android", deadFcm)));

        publish(event);

        List<JsonNode> attempts = deliveryEvents(event, 5);
        assertThat(attempts).filteredOn(a -> a.path("status").asText().equals("unregistered")).hasSize(2)
                .allSatisfy(a -> assertThat(a.path("finalAttempt").asBoolean()).isTrue());
        JsonNode apnsResult = attempts.stream().filter(a -> a.path("channel").asText().equals("apns")
                && a.path("status").asText().equals("unregistered")).findFirst().orElseThrow();
        assertThat(apnsResult.path("httpStatus").asInt()).isEqualTo(410);
        assertThat(apnsResult.path("reason").asText()).isEqualTo("Unregistered");
        assertThat(apnsResult.path("pushTokenSha256").asText()).isEqualTo(Sha256.hex(UNINSTALLED_IOS_DEVICE));
        JsonNode fcmResult = attempts.stream().filter(a -> a.path("channel").asText().equals("fcm")
                && a.path("status").asText().equals("unregistered")).findFirst().orElseThrow();
        assertThat(fcmResult.path("reason").asText()).isEqualTo("UNREGISTERED");
        assertThat(fcmResult.path("credentialId").asText()).isEqualTo(androidCredential);
        assertThat(deadLetters(event)).isEmpty();
    }

    @Test
    void aProviderFailingEveryTryIsRetriedAndDeadLetteredWithoutTheToken() throws Exception {
        String busy = "busy-" + UUID.randomUUID();
        String credential = UUID.randomUUID().toString();
        ChallengeEvent event = push(List.of(new PushTarget(credential, "android", busy)));

        publish(event);

        // webhook 1 + 4 tries × (sent, failed)
        List<JsonNode> attempts = deliveryEvents(event, 9);
        List<JsonNode> failed = attempts.stream().filter(a -> a.path("status").asText().equals("failed")).toList();
        assertThat(failed).extracting(a -> a.path("attempt").asInt()).containsExactlyInAnyOrder(1, 2, 3, 4);
        assertThat(failed).allSatisfy(a -> assertThat(a.path("httpStatus").asInt()).isEqualTo(503));
        assertThat(fcmFor(event)).hasSize(4);
        List<ConsumerRecord<String, String>> letters = EventTopics.read(bootstrap, "challenge-events-dlq",
                event.challengeId(), found -> !found.isEmpty(), WAIT);
        assertThat(letters).hasSize(1);
        JsonNode letter = JSON.readTree(letters.get(0).value());
        assertThat(letter.path("channel").asText()).isEqualTo("fcm");
        assertThat(letter.path("attempts").asInt()).isEqualTo(4);
        assertThat(letter.path("lastStatus").asInt()).isEqualTo(503);
        assertThat(letter.path("targets")).hasSize(1);
        assertThat(letter.path("targets").get(0).path("credentialId").asText()).isEqualTo(credential);
    }

    @Test
    void aThrottledSendIsRetriedNoEarlierThanTheProvidersRetryAfter() throws Exception {
        String token = "throttled-" + UUID.randomUUID();
        ChallengeEvent event = push(List.of(new PushTarget(UUID.randomUUID().toString(), "android", token)));

        publish(event);

        // webhook 1 + try 1 (sent, failed 429) + try 2 (sent, accepted)
        List<JsonNode> attempts = deliveryEvents(event, 5);
        assertThat(attempts).filteredOn(a -> a.path("channel").asText().equals("fcm"))
                .extracting(a -> a.path("attempt").asInt() + "/" + a.path("status").asText())
                .containsExactlyInAnyOrder("1/sent", "1/failed", "2/sent", "2/accepted");
        JsonNode throttledTry = attempts.stream().filter(a -> a.path("status").asText().equals("failed"))
                .findFirst().orElseThrow();
        assertThat(throttledTry.path("httpStatus").asInt()).isEqualTo(429);
        assertThat(throttledTry.path("reason").asText()).isEqualTo("QUOTA_EXCEEDED");
        List<Fcm> tries = fcmFor(event);
        assertThat(tries).hasSize(2);
        // The jittered back-off alone is at most 0.1 s here; Retry-After: 1 holds the retry back.
        // A lower bound only: a slow machine may take longer, never shorter.
        assertThat(Duration.ofNanos(tries.get(1).receivedNanos() - tries.get(0).receivedNanos()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(deadLetters(event)).isEmpty();
    }

    @Test
    void theWebhooksDeadLetterCarriesNoPushTargets() throws Exception {
        String token = "w-" + UUID.randomUUID();
        // No channel for this platform, so only the webhook is tried — and it always fails.
        ChallengeEvent event = push(List.of(new PushTarget(UUID.randomUUID().toString(), "windows", token)),
                UUID.randomUUID().toString(), "fail-always-" + UUID.randomUUID());

        publish(event);

        List<ConsumerRecord<String, String>> letters = EventTopics.read(bootstrap, "challenge-events-dlq",
                event.challengeId(), found -> !found.isEmpty(), WAIT);
        assertThat(letters).hasSize(1);
        JsonNode letter = JSON.readTree(letters.get(0).value());
        assertThat(letter.path("channel").asText()).isEqualTo("webhook");
        assertThat(letter.path("targets").isMissingNode() || letter.path("targets").isNull()).isTrue();
        assertThat(letter.path("targetCredentialIds")).hasSize(1);
        assertThat(letters.get(0).value()).doesNotContain(token);
    }

    // --- helpers -------------------------------------------------------------------------------

    private static void until(java.util.function.BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Not reached within " + WAIT);
            }
            Thread.sleep(100);
        }
    }

    private List<ConsumerRecord<String, String>> deadLetters(ChallengeEvent event) {
        // The delivery is complete (all its events are in); a letter would have been sent before.
        return EventTopics.readToEnd(bootstrap, "challenge-events-dlq", event.challengeId(), WAIT);
    }

    private static List<Apns> apnsFor(ChallengeEvent event) {
        return apns.stream().filter(a -> event.challengeId().equals(a.collapseId())).toList();
    }

    private static List<Fcm> fcmFor(ChallengeEvent event) {
        return fcm.stream().filter(f -> event.challengeId().equals(
                f.body().path("message").path("data").path("challengeId").asText())).toList();
    }

    private ChallengeEvent push(List<PushTarget> targets) {
        return push(targets, UUID.randomUUID().toString());
    }

    private ChallengeEvent push(List<PushTarget> targets, String challengeId) {
        return push(targets, challengeId, "user-" + UUID.randomUUID());
    }

    /** {@code userId} steers {@link WebhookReceiver}'s answer ({@code fail-always-…}: 500). */
    private ChallengeEvent push(List<PushTarget> targets, String challengeId, String userId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new ChallengeEvent(UUID.randomUUID().toString(), ChallengeEvent.PUSH_REQUESTED, TestTenants.TENANT_ID,
                challengeId, 1, "push", userId, "signIn", UUID.randomUUID().toString(),
                targets.stream().map(PushTarget::credentialId).toList(), null, "203.0.113.9", "UA", null, null,
                now.plus(Duration.ofMinutes(5)), now, targets);
    }

    private void publish(ChallengeEvent event) {
        try {
            producer.send(EventTopics.cloudEvent("challenge-events", null, event.challengeId(), event.eventId(),
                    event.cloudEventType(), "/countersign/challenge-service", json.writeValueAsString(event))).get();
        } catch (Exception e) {
            throw new IllegalStateException("Could not publish " + event, e);
        }
    }

    /** The delivery events of this push, once {@code count} are there (and exactly that many). */
    private List<JsonNode> deliveryEvents(ChallengeEvent push, int count) {
        List<ConsumerRecord<String, String>> all = EventTopics.read(bootstrap, "delivery-events", push.challengeId(),
                found -> ofPush(found, push).size() >= count, WAIT);
        List<JsonNode> mine = ofPush(all, push).stream().map(r -> {
            try {
                return JSON.readTree(r.value());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(mine).as("delivery events of %s", push.eventId()).hasSize(count);
        return mine;
    }

    private static List<ConsumerRecord<String, String>> ofPush(List<ConsumerRecord<String, String>> records,
            ChallengeEvent push) {
        return records.stream().filter(r -> r.value().contains("\"pushEventId\":\"" + push.eventId() + "\"")).toList();
    }
}
