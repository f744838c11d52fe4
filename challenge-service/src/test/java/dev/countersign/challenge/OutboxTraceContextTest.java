package dev.countersign.challenge;

import static dev.countersign.challenge.ActionResourceTest.user;
import static dev.countersign.challenge.ChallengeEventsTopic.allEvents;
import static dev.countersign.challenge.ChallengeEventsTopic.header;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.countersign.challenge.PushChallengeTest.Tracked;
import dev.countersign.challenge.lifecycle.ChallengeOutbox;
import dev.countersign.challenge.lifecycle.OutboxStore;
import dev.countersign.challenge.replica.KeyReplica;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.event.CredentialEvent;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.testkit.SettableClock;
import dev.countersign.testkit.TraceIds;
import dev.countersign.testkit.TracingOn;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * The Redis outbox keeps the trace context of the request behind a transition, so events the repair
 * publishes later (Kafka refused them during the request) still belong to that request's trace.
 */
@QuarkusTest
@TestProfile(TracingOn.class)
class OutboxTraceContextTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    FailingChallengeEventPublisher publisher;

    @Inject
    ChallengeOutbox outbox;

    @Inject
    KeyReplica replica;

    @Inject
    RedisDataSource redis;

    @Inject
    SettableClock clock;

    @AfterEach
    void reset() {
        publisher.failNext(0);
        clock.reset();
    }

    @Test
    void eventsTheRepairPublishesContinueTheTraceOfTheRequestThatCausedThem() {
        SimulatedDevice phone = ChallengeOutboxTest.phone();
        String userId = user();
        String credentialId = UUID.randomUUID().toString();
        TestCredentials.produce(TestCredentials.event(CredentialEvent.ADDED, PushChallengeTest.TENANT, credentialId, 1,
                userId, "push", PushChallengeTest.key(phone), Instant.now()));
        await().atMost(KeyReplicaTest.EVENT_WAIT).until(() -> replica
                .credentialIdsOf(PushChallengeTest.TENANT, userId, CredentialKind.PUSH).await().indefinitely()
                .contains(credentialId));
        var tracked = ActionResourceTest.server().contentType(ContentType.JSON).body(Map.of())
                .post("/v1/users/{userId}/actions/{action}", userId, "signIn")
                .then().statusCode(200).extract().jsonPath();
        Tracked signIn = new Tracked(userId, tracked.getString("token"), tracked.getString("idempotencyKey"), null);
        String traceId = TraceIds.traceId();

        publisher.failNext(1_000);
        String challengeId = given().header("Authorization", "Bearer " + signIn.token())
                .header("X-Forwarded-For", String.format("2001:db8:%x:%x::1", RANDOM.nextInt(0x10000),
                        RANDOM.nextInt(0x10000)))
                .header("traceparent", TraceIds.traceparent(traceId))
                .contentType(ContentType.JSON).body(Map.of("action", "signIn"))
                .post("/v1/client/challenge/push").then().statusCode(200).extract().path("challengeId");
        assertThat(allEvents(challengeId)).isEmpty();
        assertThat(redis.hash(String.class).hget(OutboxStore.TRACES, challengeId)).startsWith("00-" + traceId + "-");

        publisher.failNext(0);
        clock.advance(Duration.ofSeconds(11));
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            outbox.repair().await().indefinitely();
            return !redis.sortedSet(String.class).zscore(OutboxStore.UNPUBLISHED, challengeId).isPresent();
        });

        List<ConsumerRecord<String, String>> events = allEvents(challengeId);
        assertThat(events).extracting(ChallengeEventsTopic::type)
                .containsExactly("dev.countersign.challenge.created", "dev.countersign.push.requested");
        assertThat(events).extracting(record -> header(record, "traceparent"))
                .allMatch(traceparent -> traceparent.matches("00-" + traceId + "-[0-9a-f]{16}-01"));
        assertThat(redis.hash(String.class).hget(OutboxStore.TRACES, challengeId)).as("forgotten with the entry").isNull();
    }
}
