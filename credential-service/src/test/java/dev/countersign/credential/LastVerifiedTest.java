package dev.countersign.credential;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.common.json.WireTime;
import dev.countersign.testkit.EventTopics;
import dev.countersign.testkit.TestTenants;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code lastVerifiedAt} from {@code challenge-events} over the real Kafka: events are produced as
 * challenge-service publishes them (CloudEvents binary headers, key = challenge id) and the effect
 * is read back through the Client API and the Server API. Where an event must change nothing, a
 * later "sentinel" approval on the same Kafka key (so the same partition, consumed after it) proves
 * the event was consumed before the test looks.
 */
@QuarkusTest
class LastVerifiedTest extends CredentialTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    ObjectMapper mapper;

    private KafkaProducer<String, String> producer;

    @BeforeEach
    void openProducer() {
        producer = EventTopics.producer(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    @AfterEach
    void closeProducer() {
        producer.close(Duration.ofSeconds(5));
    }

    @Test
    void approvalSetsLastVerifiedAtOnGetAndServerListWithoutANewVersionOrEvent() {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        String id = enrol("push", user, key);
        get("push", key.androidQuery()).statusCode(200).body("$", not(
                hasKey("lastVerifiedAt")));
        Instant approvedAt = Instant.parse("2026-03-04T05:06:07.891Z");

        publish(approved(UUID.randomUUID().toString(), TestTenants.TENANT_ID, user, id, approvedAt));

        awaitLastVerifiedAt(key, approvedAt);
        List<Map<String, Object>> listed = given()
                .header("Authorization", TestTenants.serverAuthorization(TestTenants.SECRET_KEY))
                .when().get("/v1/users/" + user + "/authenticators")
                .then().statusCode(200).extract().jsonPath().getList("$");
        assertThat(listed).singleElement().satisfies(a -> {
            assertThat(a.get("userAuthenticatorId")).isEqualTo(id);
            assertThat(a.get("lastVerifiedAt")).isEqualTo(WireTime.format(approvedAt));
        });
        assertThat(count("select version from credential where id = $1", UUID.fromString(id))).isEqualTo(1);
        assertThat(count("select count(*) from credential_outbox where aggregate_id = $1 and type <> 'credential.added'",
                UUID.fromString(id))).isZero();
    }

    @Test
    void laterApprovalMovesItForwardAndAnOlderOrRedeliveredOneDoesNotMoveItBack() {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        String id = enrol("push", user, key);
        TestDeviceKey sentinelKey = TestDeviceKey.generate();
        String sentinelId = enrol("push", newUser(), sentinelKey);
        Instant first = Instant.parse("2026-03-04T05:00:00.000Z");
        Instant later = first.plus(Duration.ofMinutes(7)).plusMillis(123);
        String challengeId = UUID.randomUUID().toString();
        ChallengeEvent firstEvent = approved(challengeId, TestTenants.TENANT_ID, user, id, first);

        publish(firstEvent);
        awaitLastVerifiedAt(key, first);
        publish(approved(challengeId, TestTenants.TENANT_ID, user, id, later));
        awaitLastVerifiedAt(key, later);

        publish(approved(challengeId, TestTenants.TENANT_ID, user, id, later.minus(Duration.ofHours(1))));
        publish(firstEvent);
        publishSentinel(challengeId, sentinelId, sentinelKey);

        assertLastVerifiedAt(key, later);
    }

    @Test
    void approvalCarryingAnotherTenantDoesNotTouchTheCredential() {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        String id = enrol("push", user, key);
        TestDeviceKey sentinelKey = TestDeviceKey.generate();
        String sentinelId = enrol("push", newUser(), sentinelKey);
        String challengeId = UUID.randomUUID().toString();

        publish(approved(challengeId, TestTenants.OTHER_TENANT_ID, user, id, Instant.now()));
        publishSentinel(challengeId, sentinelId, sentinelKey);

        get("push", key.androidQuery()).statusCode(200).body("$", not(
                hasKey("lastVerifiedAt")));
        assertThat(count("select count(*) from credential where id = $1 and last_verified_at is not null",
                UUID.fromString(id))).isZero();
    }

    @Test
    void otherEventTypesAndUnreadableValuesAreIgnored() {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        String id = enrol("push", user, key);
        TestDeviceKey sentinelKey = TestDeviceKey.generate();
        String sentinelId = enrol("push", newUser(), sentinelKey);
        String challengeId = UUID.randomUUID().toString();
        Instant at = Instant.now();

        for (String type : List.of(ChallengeEvent.CREATED, ChallengeEvent.PUSH_REQUESTED, ChallengeEvent.CLAIMED,
                ChallengeEvent.REJECTED, ChallengeEvent.EXPIRED, "challenge.something-new")) {
            publish(event(type, challengeId, TestTenants.TENANT_ID, user, id, at));
        }
        producer.send(record(challengeId, "dev.countersign.challenge.approved", UUID.randomUUID().toString(),
                "{\"type\":\"challenge.approved\",\"credentialId\":"));
        publish(approved(challengeId, TestTenants.TENANT_ID, user, "not-a-uuid", at));
        publishSentinel(challengeId, sentinelId, sentinelKey);

        assertThat(count("select count(*) from credential where id = $1 and last_verified_at is not null",
                UUID.fromString(id))).isZero();
        get("push", key.androidQuery()).statusCode(200).body("$", not(
                hasKey("lastVerifiedAt")));
    }

    /** An approval of another credential on the same key, awaited: everything before it was consumed. */
    private void publishSentinel(String challengeId, String sentinelId, TestDeviceKey sentinelKey) {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        publish(approved(challengeId, TestTenants.TENANT_ID, "sentinel", sentinelId, at));
        awaitLastVerifiedAt(sentinelKey, at);
    }

    /** QR-code and in-app successes are challenge.approved events too (kind qr-code / in-app). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"qr-code", "in-app"})
    void qrCodeAndInAppApprovalsSetLastVerifiedAtToo(String kind) {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        String id = enrol(kind, user, key);
        Instant approvedAt = Instant.parse("2026-05-06T07:08:09.123Z");
        ChallengeEvent push = approved(UUID.randomUUID().toString(), TestTenants.TENANT_ID, user, id, approvedAt);
        publish(new ChallengeEvent(push.eventId(), push.type(), push.tenantId(), push.challengeId(), push.version(),
                kind, push.userId(), push.actionCode(), push.idempotencyKey(), push.targetCredentialIds(),
                push.credentialId(), push.ipAddress(), push.userAgent(), push.deviceId(), push.custom(),
                push.expiresAt(), push.occurredAt()));

        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(
                (String) get(kind, key.androidQuery()).statusCode(200).extract().path("lastVerifiedAt"))
                .isEqualTo(WireTime.format(approvedAt)));
    }

    private void awaitLastVerifiedAt(TestDeviceKey key, Instant expected) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertLastVerifiedAt(key, expected));
    }

    private static void assertLastVerifiedAt(TestDeviceKey key, Instant expected) {
        String shown = get("push", key.androidQuery()).statusCode(200).extract().path("lastVerifiedAt");
        assertThat(shown).isEqualTo(WireTime.format(expected));
    }

    private static ChallengeEvent approved(String challengeId, String tenantId, String userId, String credentialId,
            Instant at) {
        return event(ChallengeEvent.APPROVED, challengeId, tenantId, userId, credentialId, at);
    }

    private static ChallengeEvent event(String type, String challengeId, String tenantId, String userId,
            String credentialId, Instant at) {
        return new ChallengeEvent(UUID.randomUUID().toString(), type, tenantId, challengeId, 2, "push", userId,
                "signIn", UUID.randomUUID().toString(), List.of(credentialId), credentialId, "203.0.113.42",
                "Mozilla/5.0", null, null, at.plus(Duration.ofMinutes(5)), at);
    }

    /** As challenge-service publishes: key = challenge id, CloudEvents binary headers, JSON value. */
    private void publish(ChallengeEvent event) {
        try {
            producer.send(record(event.challengeId(), event.cloudEventType(), event.eventId(),
                    mapper.writeValueAsString(event))).get();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("Could not publish " + event, e);
        }
    }

    private static ProducerRecord<String, String> record(String challengeId, String ceType, String ceId, String value) {
        return EventTopics.cloudEvent("challenge-events", null, challengeId, ceId, ceType,
                "/countersign/challenge-service", value);
    }
}
