package dev.countersign.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.common.config.CountersignConfig;
import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.testkit.EventTopics;
import dev.countersign.testkit.Metrics;
import dev.countersign.testkit.TestTenants;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code push.requested} on the real Kafka → the tenant's signed {@code push.created} webhook on a
 * real HTTP receiver, the attempts on {@code delivery-events}, failures on
 * {@code challenge-events-dlq}. "Nothing was sent" is asserted after a later event of the same
 * challenge (same key, same partition, hence handled after it) has been delivered, not after a sleep.
 */
@QuarkusTest
class WebhookDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String DLQ = "challenge-events-dlq";
    private static final String DELIVERY_EVENTS = "delivery-events";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    CountersignConfig config;

    @Inject
    ObjectMapper json;

    private KafkaProducer<String, String> producer;
    private WebhookReceiver receiver;
    private String webhookUrl;

    @BeforeEach
    void start() {
        webhookUrl = config.tenants().get(TestTenants.TENANT_ID).webhookUrl().orElseThrow();
        receiver = WebhookReceiver.at(webhookUrl);
        producer = EventTopics.producer(bootstrap);
    }

    @AfterEach
    void stop() {
        producer.close();
    }

    @Test
    void pushRequestedThenOneWebhookWithTheExactEnvelopeAndAValidSignature() throws Exception {
        ChallengeEvent event = push(TestTenants.TENANT_ID, "user-" + UUID.randomUUID(), "Mozilla/5.0 (X11; Linux) é",
                "203.0.113.42");
        long before = Instant.now().getEpochSecond();
        publish(event);

        List<ConsumerRecord<String, String>> attempts = deliveryEvents(event, 1);
        List<WebhookReceiver.Received> hooks = receiver.forChallenge(event.challengeId());
        assertThat(hooks).hasSize(1);
        WebhookReceiver.Received hook = hooks.get(0);

        assertThat(hook.path()).isEqualTo(WebhookReceiver.PATH);
        assertThat(hook.header("Content-Type")).isEqualTo("application/json");
        String expected = "{\"version\":1,\"id\":\"" + webhookId(event) + "\",\"source\":\"https://countersign.dev\","
                + "\"time\":\"" + event.occurredAt().toString().replace("Z", "") + "Z\",\"tenantId\":\"test-tenant\","
                + "\"type\":\"push.created\",\"data\":{\"challengeId\":\"" + event.challengeId() + "\",\"userId\":\""
                + event.userId() + "\",\"idempotencyKey\":\"" + event.idempotencyKey()
                + "\",\"actionCode\":\"signIn\",\"userAgent\":\"Mozilla/5.0 (X11; Linux) é\","
                + "\"ipAddress\":\"203.0.113.42\"}}";
        assertThat(hook.body()).isEqualTo(expected);

        String signature = hook.header("X-Signature-V2");
        assertThat(signature).matches("t=\\d+,v2=[A-Za-z0-9+/]{43}");
        long t = Long.parseLong(signature.substring(2, signature.indexOf(',')));
        assertThat(t).isBetween(before - 1, Instant.now().getEpochSecond() + 1);
        assertThat(signature.substring(signature.indexOf("v2=") + 3)).isEqualTo(hmac(TestTenants.SECRET_KEY, t, hook.rawBody()));
        assertThat(hook.body()).doesNotContain(TestTenants.SECRET_KEY);

        JsonNode attempt = json.readTree(attempts.get(0).value());
        assertThat(attempt.path("status").asText()).isEqualTo("accepted");
        assertThat(attempt.path("attempt").asInt()).isEqualTo(1);
        assertThat(attempt.path("finalAttempt").asBoolean()).isTrue();
        assertThat(attempt.path("channel").asText()).isEqualTo("webhook");
        assertThat(attempt.path("httpStatus").asInt()).isEqualTo(200);
        assertThat(attempt.path("tenantId").asText()).isEqualTo(TestTenants.TENANT_ID);
        assertThat(attempt.path("challengeId").asText()).isEqualTo(event.challengeId());
        assertThat(attempt.path("pushEventId").asText()).isEqualTo(event.eventId());
        assertThat(attempt.path("credentialIds")).extracting(JsonNode::asText).containsExactlyElementsOf(event.targetCredentialIds());
        assertThat(attempt.path("reason").isNull()).isTrue();
        assertThat(EventTopics.header(attempts.get(0), "ce_type")).isEqualTo("dev.countersign.delivery");
        assertThat(EventTopics.header(attempts.get(0), "ce_subject")).isEqualTo(event.challengeId());
    }

    @Test
    void webhookAcceptedByTheRealAuthsignalNodeSdkAndRefusedWithAnotherKey() {
        ChallengeEvent event = push(TestTenants.TENANT_ID, "user-" + UUID.randomUUID(), "Mozilla/5.0", "198.51.100.7");
        publish(event);
        deliveryEvents(event, 1);
        WebhookReceiver.Received hook = receiver.forChallenge(event.challengeId()).get(0);

        NodeWebhookVerifier.Verdict accepted = NodeWebhookVerifier.verify(hook.rawBody(), hook.header("X-Signature-V2"),
                TestTenants.SECRET_KEY);
        assertThat(accepted.exitCode()).as(accepted.output()).isZero();
        assertThat(accepted.output()).contains(event.challengeId());

        NodeWebhookVerifier.Verdict refused = NodeWebhookVerifier.verify(hook.rawBody(), hook.header("X-Signature-V2"),
                TestTenants.OTHER_SECRET_KEY);
        assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
        assertThat(refused.output()).contains("Signature mismatch");
    }

    @Test
    void pushWithoutBrowserContextThenOptionalFieldsOmitted() {
        ChallengeEvent event = push(TestTenants.TENANT_ID, "user-" + UUID.randomUUID(), null, null);
        publish(event);
        deliveryEvents(event, 1);

        JsonNode data = receiver.forChallenge(event.challengeId()).get(0).json().path("data");
        assertThat(data.has("userAgent")).isFalse();
        assertThat(data.has("ipAddress")).isFalse();
        assertThat(data.size()).isEqualTo(4);
    }

    @Test
    void receiverFailingTwiceThenThreeTriesOneSuccessAndAnEventPerAttempt() throws Exception {
        ChallengeEvent event = push(TestTenants.TENANT_ID, "fail-twice-" + UUID.randomUUID(), "UA", "203.0.113.1");
        publish(event);

        List<ConsumerRecord<String, String>> attempts = deliveryEvents(event, 3);
        List<WebhookReceiver.Received> hooks = receiver.forChallenge(event.challengeId());
        assertThat(hooks).extracting(WebhookReceiver.Received::answered).containsExactly(503, 503, 200);
        // Every try carries the same body (same webhook id), freshly signed.
        assertThat(hooks).extracting(WebhookReceiver.Received::body).containsOnly(hooks.get(0).body());
        for (WebhookReceiver.Received hook : hooks) {
            String signature = hook.header("X-Signature-V2");
            long t = Long.parseLong(signature.substring(2, signature.indexOf(',')));
            assertThat(signature).endsWith("v2=" + hmac(TestTenants.SECRET_KEY, t, hook.rawBody()));
        }

        List<JsonNode> values = values(attempts);
        assertThat(values).extracting(v -> v.path("attempt").asInt()).containsExactly(1, 2, 3);
        assertThat(values).extracting(v -> v.path("status").asText()).containsExactly("failed", "failed", "accepted");
        assertThat(values).extracting(v -> v.path("reason").asText(null)).containsExactly("HTTP 503", "HTTP 503", null);
        assertThat(values).extracting(v -> v.path("finalAttempt").asBoolean()).containsExactly(false, false, true);
        assertThat(deadLetters(event, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void receiverAnswering429WithRetryAfterThenTheNextTryWaitsAtLeastThatLong() throws Exception {
        ChallengeEvent event = push(TestTenants.TENANT_ID, "throttled-once-" + UUID.randomUUID(), "UA", "203.0.113.1");
        publish(event);

        List<JsonNode> values = values(deliveryEvents(event, 2));
        assertThat(values).extracting(v -> v.path("status").asText()).containsExactly("failed", "accepted");
        assertThat(values).extracting(v -> v.path("reason").asText(null)).containsExactly("HTTP 429", null);
        List<WebhookReceiver.Received> hooks = receiver.forChallenge(event.challengeId());
        assertThat(hooks).extracting(WebhookReceiver.Received::answered).containsExactly(429, 200);
        // A lower bound only: the tests' back-off alone is far shorter than the second asked for.
        assertThat(hooks.get(1).atMillis() - hooks.get(0).atMillis()).isGreaterThanOrEqualTo(1_000);
        assertThat(deadLetters(event, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void receiverFailingAlwaysThenEveryAttemptRecordedAndTheEventDeadLettered() throws Exception {
        ChallengeEvent event = push(TestTenants.TENANT_ID, "fail-always-" + UUID.randomUUID(), "UA", "203.0.113.2");
        publish(event);

        List<ConsumerRecord<String, String>> letters = EventTopics.read(bootstrap, DLQ, event.challengeId(),
                found -> !found.isEmpty(), WAIT);
        assertThat(letters).hasSize(1);
        JsonNode letter = json.readTree(letters.get(0).value());
        assertThat(letter.path("eventId").asText()).isEqualTo(event.eventId());
        assertThat(letter.path("type").asText()).isEqualTo("push.requested");
        assertThat(letter.path("tenantId").asText()).isEqualTo(TestTenants.TENANT_ID);
        assertThat(letter.path("challengeId").asText()).isEqualTo(event.challengeId());
        assertThat(letter.path("userId").asText()).isEqualTo(event.userId());
        assertThat(letter.path("reason").asText()).isEqualTo("HTTP 500");
        assertThat(letter.path("attempts").asInt()).isEqualTo(4);
        assertThat(letter.path("lastStatus").asInt()).isEqualTo(500);
        assertThat(letter.path("channel").asText()).isEqualTo("webhook");
        // Still readable as the original event, for a replay.
        assertThat(json.readValue(letters.get(0).value(), ChallengeEvent.class)).isEqualTo(event);

        assertThat(receiver.forChallenge(event.challengeId())).hasSize(4);
        List<JsonNode> values = values(deliveryEvents(event, 4));
        assertThat(values).extracting(v -> v.path("status").asText()).containsOnly("failed");
        assertThat(values).extracting(v -> v.path("finalAttempt").asBoolean()).containsExactly(false, false, false, true);
    }

    @Test
    void triesDeliveriesAndDeadLettersAreCountedOnceEach() {
        Metrics before = Metrics.scrape();
        ChallengeEvent recovered = push(TestTenants.TENANT_ID, "fail-twice-" + UUID.randomUUID(), "UA", "203.0.113.1");
        publish(recovered);
        deliveryEvents(recovered, 3);
        ChallengeEvent lost = push(TestTenants.TENANT_ID, "fail-always-" + UUID.randomUUID(), "UA", "203.0.113.2");
        publish(lost);
        assertThat(EventTopics.read(bootstrap, DLQ, lost.challengeId(), found -> !found.isEmpty(), WAIT)).hasSize(1);

        Metrics after = Metrics.scrape();
        assertThat(after.since(before, "countersign_webhook_attempts_total", "result", "failed")).isEqualTo(2 + 4);
        assertThat(after.since(before, "countersign_webhook_attempts_total", "result", "accepted")).isEqualTo(1);
        assertThat(after.since(before, "countersign_push_deliveries_total", "channel", "webhook", "result", "accepted"))
                .isEqualTo(1);
        assertThat(after.since(before, "countersign_push_deliveries_total", "channel", "webhook", "result", "failed"))
                .isEqualTo(1);
        assertThat(after.since(before, "countersign_dead_letters_total", "channel", "webhook")).isEqualTo(1);
    }

    @Test
    void receiverAnsweringAfterTheReadTimeoutThenTimeoutRecordedAndRetried() throws Exception {
        ChallengeEvent event = push(TestTenants.TENANT_ID, "slow-once-" + UUID.randomUUID(), "UA", "203.0.113.8");
        publish(event);

        List<JsonNode> values = values(deliveryEvents(event, 2));
        assertThat(values).extracting(v -> v.path("status").asText()).containsExactly("failed", "accepted");
        assertThat(values.get(0).path("reason").asText()).isEqualTo("timeout");
        assertThat(values.get(0).path("httpStatus").isNull()).isTrue();
        assertThat(receiver.forChallenge(event.challengeId())).extracting(WebhookReceiver.Received::answered)
                .containsExactly(0, 200);
    }

    @Test
    void receiverRefusingWith400ThenNoRetryAndDeadLettered() throws Exception {
        ChallengeEvent event = push(TestTenants.TENANT_ID, "refuse-" + UUID.randomUUID(), "UA", "203.0.113.3");
        publish(event);

        List<ConsumerRecord<String, String>> letters = EventTopics.read(bootstrap, DLQ, event.challengeId(),
                found -> !found.isEmpty(), WAIT);
        JsonNode letter = json.readTree(letters.get(0).value());
        assertThat(letter.path("reason").asText()).isEqualTo("HTTP 400 (not retried)");
        assertThat(letter.path("attempts").asInt()).isEqualTo(1);
        assertThat(receiver.forChallenge(event.challengeId())).hasSize(1);
        assertThat(values(deliveryEvents(event, 1))).singleElement()
                .satisfies(v -> assertThat(v.path("finalAttempt").asBoolean()).isTrue());
    }

    @Test
    void samePushRequestedTwiceThenOneWebhook() {
        ChallengeEvent event = push(TestTenants.TENANT_ID, "user-" + UUID.randomUUID(), "UA", "203.0.113.4");
        publish(event);
        publish(event);
        ChallengeEvent later = sentinel(event);

        deliveryEvents(later, 1);
        assertThat(receiver.forChallenge(event.challengeId()))
                .extracting(h -> h.json().path("id").asText())
                .containsExactly(webhookId(event), webhookId(later));
    }

    @Test
    void eventsOtherThanPushRequestedThenNoWebhook() {
        ChallengeEvent push = push(TestTenants.TENANT_ID, "user-" + UUID.randomUUID(), "UA", "203.0.113.5");
        for (String type : List.of(ChallengeEvent.CREATED, ChallengeEvent.CLAIMED, ChallengeEvent.APPROVED,
                ChallengeEvent.REJECTED, ChallengeEvent.EXPIRED)) {
            publish(withType(push, type));
        }
        publish(withType(push, "push.unknown"));
        publish(push);

        deliveryEvents(push, 1);
        assertThat(receiver.forChallenge(push.challengeId())).extracting(h -> h.json().path("id").asText())
                .containsExactly(webhookId(push));
    }

    @Test
    void tenantWithoutWebhookOrExpiredPushThenNothingSent() {
        String challengeId = UUID.randomUUID().toString();
        ChallengeEvent otherTenant = push(TestTenants.OTHER_TENANT_ID, "user-1", challengeId);
        ChallengeEvent expired = withExpiry(push(TestTenants.TENANT_ID, "user-2", challengeId),
                Instant.now().minusSeconds(1));
        publish(otherTenant);
        publish(expired);
        ChallengeEvent later = sentinel(expired);

        deliveryEvents(later, 1);
        assertThat(receiver.forChallenge(challengeId)).extracting(h -> h.json().path("id").asText())
                .containsExactly(webhookId(later));
        assertThat(EventTopics.read(bootstrap, DELIVERY_EVENTS, challengeId, found -> false, Duration.ofSeconds(1)))
                .hasSize(1);
    }

    @Test
    void noSecretOrWebhookUrlInWebhookDeadLetterOrDeliveryEvents() {
        ChallengeEvent ok = push(TestTenants.TENANT_ID, "user-" + UUID.randomUUID(), "UA", "203.0.113.6");
        ChallengeEvent failing = push(TestTenants.TENANT_ID, "fail-always-" + UUID.randomUUID(), "UA", "203.0.113.7");
        publish(ok);
        publish(failing);

        deliveryEvents(ok, 1);
        List<ConsumerRecord<String, String>> letters = EventTopics.read(bootstrap, DLQ, failing.challengeId(),
                found -> !found.isEmpty(), WAIT);
        assertThat(letters).as("dead letter of %s", failing.challengeId()).isNotEmpty();
        List<String> published = new java.util.ArrayList<>();
        letters.forEach(r -> published.add(r.value() + r.headers()));
        deliveryEvents(failing, 4).forEach(r -> published.add(r.value() + r.headers()));
        deliveryEvents(ok, 1).forEach(r -> published.add(r.value() + r.headers()));
        receiver.forChallenge(ok.challengeId()).forEach(h -> published.add(h.body() + h.headers()));
        receiver.forChallenge(failing.challengeId()).forEach(h -> published.add(h.body() + h.headers()));

        assertThat(published).hasSizeGreaterThanOrEqualTo(11);
        String secretHashOrKey = TestTenants.SECRET_KEY;
        assertThat(published).allSatisfy(text -> assertThat(text)
                .doesNotContain(secretHashOrKey)
                .doesNotContain(webhookUrl)
                .doesNotContainIgnoringCase("token"));
    }

    // --- helpers -------------------------------------------------------------------------------

    private ChallengeEvent push(String tenantId, String userId, String userAgent, String ipAddress) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String challengeId = UUID.randomUUID().toString();
        return new ChallengeEvent(UUID.randomUUID().toString(), ChallengeEvent.PUSH_REQUESTED, tenantId, challengeId, 1,
                "push", userId, "signIn", UUID.randomUUID().toString(),
                List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString()), null, ipAddress, userAgent,
                "device-1", Map.of("k", "v"), now.plus(Duration.ofMinutes(5)), now);
    }

    private ChallengeEvent push(String tenantId, String userId, String challengeId) {
        ChallengeEvent e = push(tenantId, userId, "UA", "203.0.113.9");
        return new ChallengeEvent(e.eventId(), e.type(), e.tenantId(), challengeId, e.version(), e.kind(), e.userId(),
                e.actionCode(), e.idempotencyKey(), e.targetCredentialIds(), null, e.ipAddress(), e.userAgent(),
                e.deviceId(), e.custom(), e.expiresAt(), e.occurredAt());
    }

    /** Another push of the same challenge (same key, so handled after everything published before it). */
    private ChallengeEvent sentinel(ChallengeEvent earlier) {
        ChallengeEvent later = new ChallengeEvent(UUID.randomUUID().toString(), ChallengeEvent.PUSH_REQUESTED,
                TestTenants.TENANT_ID, earlier.challengeId(), earlier.version() + 1, "push", "user-sentinel", "signIn",
                UUID.randomUUID().toString(), List.of(), null, null, null, null, null,
                Instant.now().plus(Duration.ofMinutes(5)), Instant.now().truncatedTo(ChronoUnit.MILLIS));
        publish(later);
        return later;
    }

    private static ChallengeEvent withType(ChallengeEvent e, String type) {
        return new ChallengeEvent(UUID.randomUUID().toString(), type, e.tenantId(), e.challengeId(), e.version(),
                e.kind(), e.userId(), e.actionCode(), e.idempotencyKey(), e.targetCredentialIds(), e.credentialId(),
                e.ipAddress(), e.userAgent(), e.deviceId(), e.custom(), e.expiresAt(), e.occurredAt());
    }

    private static ChallengeEvent withExpiry(ChallengeEvent e, Instant expiresAt) {
        return new ChallengeEvent(e.eventId(), e.type(), e.tenantId(), e.challengeId(), e.version(), e.kind(),
                e.userId(), e.actionCode(), e.idempotencyKey(), e.targetCredentialIds(), e.credentialId(),
                e.ipAddress(), e.userAgent(), e.deviceId(), e.custom(), expiresAt, e.occurredAt());
    }

    private void publish(ChallengeEvent event) {
        try {
            producer.send(EventTopics.cloudEvent("challenge-events", null, event.challengeId(), event.eventId(),
                    event.cloudEventType(), "/countersign/challenge-service", json.writeValueAsString(event))).get();
        } catch (Exception e) {
            throw new IllegalStateException("Could not publish " + event, e);
        }
    }

    /** The delivery events of this push (by its event id), once {@code count} of them are there. */
    private List<ConsumerRecord<String, String>> deliveryEvents(ChallengeEvent push, int count) {
        List<ConsumerRecord<String, String>> all = EventTopics.read(bootstrap, DELIVERY_EVENTS, push.challengeId(),
                found -> ofPush(found, push).size() >= count, WAIT);
        List<ConsumerRecord<String, String>> mine = ofPush(all, push);
        assertThat(mine).as("delivery events of %s", push.eventId()).hasSize(count);
        return mine;
    }

    private List<ConsumerRecord<String, String>> ofPush(List<ConsumerRecord<String, String>> records, ChallengeEvent push) {
        return records.stream().filter(r -> r.value().contains("\"pushEventId\":\"" + push.eventId() + "\"")).toList();
    }

    private List<ConsumerRecord<String, String>> deadLetters(ChallengeEvent event, Duration wait) {
        return EventTopics.read(bootstrap, DLQ, event.challengeId(), found -> !found.isEmpty(), wait);
    }

    private List<JsonNode> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> {
            try {
                return json.readTree(r.value());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    private static String webhookId(ChallengeEvent event) {
        return UUID.nameUUIDFromBytes(("push.created/" + event.eventId()).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String hmac(String secret, long t, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(mac.doFinal(body)).replaceFirst("=$", "");
    }
}
