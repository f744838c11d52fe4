package dev.countersign.challenge;

import static dev.countersign.challenge.ActionResourceTest.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.challenge.PushChallengeTest.Tracked;
import dev.countersign.challenge.replica.KeyReplica;
import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.common.event.CredentialEvent;
import dev.countersign.common.event.PushTarget;
import dev.countersign.testkit.EventTopics;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.SimulatedDevice;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Push targets in challenge-service over real Redis and Kafka: the replica keeps each push credential's
 * platform and token from {@code credential-events}, {@code push.requested} carries them per
 * target, a cleared token is no longer a target, and the notifier's {@code delivery-events} show
 * as the action's delivery results.
 */
@QuarkusTest
class PushTargetsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KeyReplica replica;

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    private void awaitTargets(String userId, List<String> ids, int expected) {
        await().atMost(KeyReplicaTest.EVENT_WAIT).until(() -> replica
                .pushTargets(PushChallengeTest.TENANT, userId, ids).await().indefinitely().size() == expected);
    }

    private static JsonNode pushRequested(String challengeId) {
        List<ConsumerRecord<String, String>> events = ChallengeEventsTopic.awaitTypes(challengeId,
                ChallengeEvent.PUSH_REQUESTED);
        return events.stream().filter(r -> ChallengeEventsTopic.type(r).equals("dev.countersign.push.requested"))
                .map(r -> {
                    try {
                        return JSON.readTree(r.value());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).findFirst().orElseThrow();
    }

    @Test
    void pushRequestedCarriesPlatformAndTokenPerTargetAndAClearedTokenIsNoTargetAnyMore() {
        String userId = user();
        SimulatedDevice iphone = PushChallengeTest.device(DeviceProfile.IOS_2_7);
        SimulatedDevice android = PushChallengeTest.device(DeviceProfile.ANDROID_3_8);
        SimulatedDevice legacy = PushChallengeTest.device(DeviceProfile.ANDROID_3_8);
        String ios = "a" + UUID.randomUUID();
        String fcm = "b" + UUID.randomUUID();
        String none = "c" + UUID.randomUUID();
        String apnsToken = "0f".repeat(32);
        String fcmToken = "fcm-token:APA91b" + UUID.randomUUID();
        Instant at = Instant.now();
        TestCredentials.produce(
                TestCredentials.event(CredentialEvent.ADDED, PushChallengeTest.TENANT, ios, 1, userId,
                        PushChallengeTest.key(iphone), at, "ios", apnsToken),
                TestCredentials.event(CredentialEvent.ADDED, PushChallengeTest.TENANT, fcm, 1, userId,
                        PushChallengeTest.key(android), at, "android", fcmToken),
                // An SDK that sent no push token: a target of the challenge, reached by the webhook only.
                TestCredentials.event(CredentialEvent.ADDED, PushChallengeTest.TENANT, none, 1, userId, "push",
                        PushChallengeTest.key(legacy), at));
        awaitTargets(userId, List.of(ios, fcm, none), 2);
        await().atMost(KeyReplicaTest.EVENT_WAIT).until(() -> replica.credentialIdsOf(PushChallengeTest.TENANT, userId,
                dev.countersign.common.credential.CredentialKind.PUSH).await().indefinitely().size() == 3);

        Tracked tracked = track(userId);
        String challengeId = ChallengeOutboxTest.initiate(tracked);

        JsonNode event = pushRequested(challengeId);
        assertThat(event.get("targetCredentialIds")).hasSize(3);
        Map<String, JsonNode> targets = new LinkedHashMap<>();
        event.get("targets").forEach(target -> targets.put(target.get("credentialId").asText(), target));
        assertThat(targets).containsOnlyKeys(ios, fcm);
        assertThat(targets.get(ios).get("platform").asText()).isEqualTo("ios");
        assertThat(targets.get(ios).get("pushToken").asText()).isEqualTo(apnsToken);
        assertThat(targets.get(fcm).get("platform").asText()).isEqualTo("android");
        assertThat(targets.get(fcm).get("pushToken").asText()).isEqualTo(fcmToken);

        // The notifier reported the iPhone's token dead; credential-service cleared it (version 2).
        TestCredentials.produce(TestCredentials.event(CredentialEvent.UPDATED, PushChallengeTest.TENANT, ios, 2, userId,
                PushChallengeTest.key(iphone), Instant.now(), "ios", null));
        awaitTargets(userId, List.of(ios, fcm, none), 1);
        // An older event replayed later does not bring the dead token back.
        TestCredentials.produce(TestCredentials.event(CredentialEvent.ADDED, PushChallengeTest.TENANT, ios, 1, userId,
                PushChallengeTest.key(iphone), at, "ios", apnsToken));
        TestCredentials.produce(TestCredentials.event(CredentialEvent.UPDATED, PushChallengeTest.TENANT, fcm, 2,
                userId, PushChallengeTest.key(android), Instant.now(), "android", fcmToken + "-renewed"));
        await().atMost(KeyReplicaTest.EVENT_WAIT).until(() -> replica
                .pushTargets(PushChallengeTest.TENANT, userId, List.of(fcm)).await().indefinitely().get(0)
                .pushToken().endsWith("-renewed"));
        List<PushTarget> now = replica.pushTargets(PushChallengeTest.TENANT, userId, List.of(ios, fcm, none))
                .await().indefinitely();
        assertThat(now).extracting(PushTarget::credentialId).containsExactly(fcm);
        assertThat(now.toString()).doesNotContain(fcmToken);
    }

    @Test
    void deliveryEventsShowAsTheActionsDeliveryResultsLatestAttemptPerDevice() throws Exception {
        String userId = user();
        Tracked tracked = track(userId);
        String challengeId = UUID.randomUUID().toString();
        String credentialId = UUID.randomUUID().toString();

        publishDelivery(tracked, challengeId, "webhook", null, 1, "failed", 503, "HTTP 503", false, "2026-11-30T01:00:00.000Z");
        publishDelivery(tracked, challengeId, "webhook", null, 2, "accepted", 200, null, true, "2026-11-30T01:00:02.000Z");
        // A redelivery of the first attempt changes nothing.
        publishDelivery(tracked, challengeId, "webhook", null, 1, "failed", 503, "HTTP 503", false, "2026-11-30T01:00:00.000Z");
        publishDelivery(tracked, challengeId, "apns", credentialId, 1, "sent", null, null, false, "2026-11-30T01:00:01.000Z");
        publishDelivery(tracked, challengeId, "apns", credentialId, 1, "unregistered", 410, "Unregistered", true,
                "2026-11-30T01:00:01.500Z");
        // "sent" arriving after the answer of the same attempt does not hide the answer.
        publishDelivery(tracked, challengeId, "apns", credentialId, 1, "sent", null, null, false, "2026-11-30T01:00:01.000Z");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Map<String, Object>> deliveries = ActionResourceTest.server()
                    .get("/v1/users/{userId}/actions/{action}/{key}", userId, "signIn", tracked.idempotencyKey())
                    .then().statusCode(200).extract().jsonPath().getList("deliveries");
            assertThat(deliveries).hasSize(2);
            assertThat(deliveries.get(0)).containsEntry("channel", "apns").containsEntry("credentialId", credentialId)
                    .containsEntry("status", "unregistered").containsEntry("attempts", 1)
                    .containsEntry("httpStatus", 410).containsEntry("reason", "Unregistered")
                    .containsEntry("done", true).containsEntry("challengeId", challengeId)
                    .containsEntry("updatedAt", "2026-11-30T01:00:01.500Z");
            assertThat(deliveries.get(1)).containsEntry("channel", "webhook").containsEntry("status", "accepted")
                    .containsEntry("attempts", 2).containsEntry("done", true).doesNotContainKey("reason")
                    .doesNotContainKey("credentialId");
        });
    }

    @Test
    void anActionWithoutDeliveriesShowsNoDeliveriesField() {
        Tracked tracked = track(user());
        ActionResourceTest.server()
                .get("/v1/users/{userId}/actions/{action}/{key}", tracked.userId(), "signIn", tracked.idempotencyKey())
                .then().statusCode(200).body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("deliveries")));
    }

    private static void publishDelivery(Tracked tracked, String challengeId, String channel, String credentialId,
            int attempt, String status, Integer httpStatus, String reason, boolean last, String at) throws Exception {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("eventId", UUID.randomUUID().toString());
        value.put("type", "delivery");
        value.put("tenantId", PushChallengeTest.TENANT);
        value.put("challengeId", challengeId);
        value.put("pushEventId", UUID.randomUUID().toString());
        value.put("channel", channel);
        value.put("credentialIds", credentialId == null ? List.of() : List.of(credentialId));
        value.put("attempt", attempt);
        value.put("status", status);
        value.put("httpStatus", httpStatus);
        value.put("reason", reason);
        value.put("finalAttempt", last);
        value.put("occurredAt", at);
        value.put("credentialId", credentialId);
        value.put("idempotencyKey", tracked.idempotencyKey());
        value.put("userId", tracked.userId());
        value.put("pushTokenSha256", credentialId == null ? null : "ab".repeat(32));
        EventTopics.publish(bootstrap(), EventTopics.cloudEvent("delivery-events", 0, challengeId,
                (String) value.get("eventId"), "dev.countersign.delivery", "/countersign/notifier-service",
                JSON.writeValueAsString(value)));
    }

    private static Tracked track(String userId) {
        var body = ActionResourceTest.server().contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of("ipAddress", "203.0.113.7"))
                .post("/v1/users/{userId}/actions/{action}", userId, "signIn")
                .then().statusCode(200).extract().jsonPath();
        return new Tracked(userId, body.getString("token"), body.getString("idempotencyKey"), null);
    }
}
