package dev.countersign.challenge;

import static dev.countersign.challenge.ActionResourceTest.user;
import static dev.countersign.challenge.ChallengeEventsTopic.allEvents;
import static dev.countersign.challenge.ChallengeEventsTopic.header;
import static dev.countersign.challenge.ChallengeEventsTopic.type;
import static dev.countersign.challenge.PushChallengeTest.poll;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.countersign.challenge.PushChallengeTest.Tracked;
import dev.countersign.challenge.lifecycle.ChallengeOutbox;
import dev.countersign.challenge.lifecycle.ChallengeStore;
import dev.countersign.challenge.lifecycle.OutboxStore;
import dev.countersign.challenge.replica.KeyReplica;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.event.CredentialEvent;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.testkit.SettableClock;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The challenge-event outbox over real Redis and Kafka: an event Kafka refuses stays recorded in the
 * challenge's hash and is published later, exactly once and with its own id; the request that made
 * the change still succeeds. Kafka's refusal is played by {@link FailingChallengeEventPublisher}.
 */
@QuarkusTest
class ChallengeOutboxTest {

    private static final CredentialKind PUSH = CredentialKind.PUSH;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    /** Past {@code countersign.challenge.outbox.repair-after}: the repair looks at the entry. */
    private static final Duration REPAIR_DUE = Duration.ofSeconds(11);

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

    // --- helpers ---------------------------------------------------------------------------------

    String enrol(String userId, SimulatedDevice device) {
        String id = UUID.randomUUID().toString();
        TestCredentials.produce(TestCredentials.event(CredentialEvent.ADDED, PushChallengeTest.TENANT, id, 1, userId,
                "push", PushChallengeTest.key(device), Instant.now()));
        await().atMost(KeyReplicaTest.EVENT_WAIT).until(() -> replica
                .credentialIdsOf(PushChallengeTest.TENANT, userId, PUSH).await().indefinitely().contains(id));
        return id;
    }

    static SimulatedDevice phone() {
        return PushChallengeTest.device(DeviceProfile.ANDROID_3_8);
    }

    Tracked track(String userId) {
        return trackFor(userId);
    }

    static Tracked trackFor(String userId) {
        var body = ActionResourceTest.server().contentType(ContentType.JSON).body(Map.of("ipAddress", "203.0.113.7"))
                .post("/v1/users/{userId}/actions/{action}", userId, "signIn")
                .then().statusCode(200).extract().jsonPath();
        return new Tracked(userId, body.getString("token"), body.getString("idempotencyKey"), null);
    }

    /**
     * Initiates from an address of its own (the test client is the trusted edge, so its
     * X-Forwarded-For is believed), so no other test's initiations share its per-address budget.
     */
    static String initiate(Tracked tracked) {
        String address = String.format("2001:db8:%x:%x::1", RANDOM.nextInt(0x10000), RANDOM.nextInt(0x10000));
        return given().header("Authorization", "Bearer " + tracked.token()).header("X-Forwarded-For", address)
                .contentType(ContentType.JSON).body(Map.of("action", "signIn"))
                .post("/v1/client/challenge/push").then().statusCode(200).extract().path("challengeId");
    }

    Map<String, String> stored(String challengeId) {
        return redis.hash(String.class).hgetall(ChallengeStore.key(challengeId));
    }

    List<String> pendingFields(String challengeId) {
        return stored(challengeId).keySet().stream().filter(field -> field.startsWith("evt:")).sorted().toList();
    }

    boolean listedUnpublished(String challengeId) {
        return redis.sortedSet(String.class).zscore(OutboxStore.UNPUBLISHED, challengeId).isPresent();
    }

    long ttlMillis(String challengeId) {
        return redis.key(String.class).pttl(ChallengeStore.key(challengeId));
    }

    /** The id the publisher derives for (challenge, type, version); a republish must carry the same. */
    static String eventId(String challengeId, String type, long version) {
        return UUID.nameUUIDFromBytes((challengeId + "/" + type + "/" + version).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    static List<String> ids(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(record -> header(record, "ce_id")).toList();
    }

    /** Lets the repair see the entry and waits until the challenge has nothing pending nor listed. */
    void repairUntilPublished(String challengeId) {
        clock.advance(REPAIR_DUE);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            outbox.repair().await().indefinitely();
            return pendingFields(challengeId).isEmpty() && !listedUnpublished(challengeId);
        });
    }

    // --- tests -----------------------------------------------------------------------------------

    @Test
    void initiationWhoseEventsKafkaRefusesSucceedsAndTheRepairPublishesThemOnceWithTheirIds() {
        SimulatedDevice phone = phone();
        String userId = user();
        enrol(userId, phone);
        Tracked tracked = track(userId);

        publisher.failNext(1_000);
        String challengeId = initiate(tracked);

        // The challenge stands, with both of its events recorded beside it and nothing on the topic.
        assertThat(stored(challengeId)).containsEntry("state", "pending");
        assertThat(pendingFields(challengeId)).containsExactly("evt:1:challenge.created", "evt:1:push.requested");
        assertThat(listedUnpublished(challengeId)).isTrue();
        assertThat(ttlMillis(challengeId)).isGreaterThan(Duration.ofDays(1).minusMinutes(1).toMillis());
        assertThat(allEvents(challengeId)).isEmpty();
        assertThat(phone.getPushChallenge().text("challengeId")).isEqualTo(challengeId);

        publisher.failNext(0);
        repairUntilPublished(challengeId);

        List<ConsumerRecord<String, String>> events = allEvents(challengeId);
        assertThat(ids(events)).containsExactly(eventId(challengeId, "challenge.created", 1),
                eventId(challengeId, "push.requested", 1));
        assertThat(events).extracting(ChallengeEventsTopic::type)
                .containsExactly("dev.countersign.challenge.created", "dev.countersign.push.requested");
        // Published: the hash gets its usual TTL back (push TTL + retention at most).
        assertThat(ttlMillis(challengeId)).isBetween(1L, Duration.ofMinutes(15).toMillis());

        // Nothing is left for another repair.
        outbox.repair().await().indefinitely();
        assertThat(allEvents(challengeId)).hasSize(2);
    }

    @Test
    void approvalWhoseEventKafkaRefusesIsStillVerifiedAndRepublishedOnceWithTheSameId() {
        SimulatedDevice phone = phone();
        String userId = user();
        String credentialId = enrol(userId, phone);
        Tracked tracked = track(userId);
        String challengeId = initiate(tracked);

        publisher.failNext(1_000);
        DeviceResponse approved = phone.updateChallenge(PUSH, challengeId, true, null);
        assertThat(approved.status()).isEqualTo(200);
        assertThat(approved.json().get("isVerified").asBoolean()).isTrue();
        poll(tracked.token(), challengeId).statusCode(200).body("isVerified", equalTo(true));

        assertThat(stored(challengeId)).containsEntry("state", "approved").containsEntry("version", "2");
        assertThat(pendingFields(challengeId)).containsExactly("evt:2:challenge.approved");
        assertThat(listedUnpublished(challengeId)).isTrue();
        assertThat(allEvents(challengeId)).extracting(ChallengeEventsTopic::type)
                .doesNotContain("dev.countersign.challenge.approved");

        publisher.failNext(0);
        repairUntilPublished(challengeId);

        List<ConsumerRecord<String, String>> approvals = allEvents(challengeId).stream()
                .filter(record -> type(record).equals("dev.countersign.challenge.approved")).toList();
        assertThat(ids(approvals)).containsExactly(eventId(challengeId, "challenge.approved", 2));
        var value = PushChallengeTest.value(approvals.get(0));
        assertThat(value.get("version").asLong()).isEqualTo(2);
        assertThat(value.get("credentialId").asText()).isEqualTo(credentialId);
        assertThat(value.get("eventId").asText()).isEqualTo(eventId(challengeId, "challenge.approved", 2));
    }

    @Test
    void normalPathPublishesEveryEventOnceAndLeavesNothingPending() {
        SimulatedDevice phone = phone();
        String userId = user();
        enrol(userId, phone);
        Tracked tracked = track(userId);
        String challengeId = initiate(tracked);
        assertThat(phone.updateChallenge(PUSH, challengeId, false, null).status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> pendingFields(challengeId).isEmpty() && !listedUnpublished(challengeId));
        assertThat(ids(allEvents(challengeId))).containsExactly(eventId(challengeId, "challenge.created", 1),
                eventId(challengeId, "push.requested", 1), eventId(challengeId, "challenge.rejected", 2));
        assertThat(ttlMillis(challengeId)).isBetween(1L, Duration.ofMinutes(15).toMillis());
    }

    @Test
    void concurrentRepairsPublishEachEventOnce() throws Exception {
        SimulatedDevice phone = phone();
        String userId = user();
        enrol(userId, phone);
        Tracked tracked = track(userId);
        publisher.failNext(1_000);
        String challengeId = initiate(tracked);
        assertThat(pendingFields(challengeId)).hasSize(2);
        publisher.failNext(0);
        clock.advance(REPAIR_DUE);

        int repairers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(repairers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Callable<Integer>> runs = java.util.stream.IntStream.range(0, repairers)
                    .<Callable<Integer>>mapToObj(i -> () -> {
                        start.await();
                        return outbox.repair().await().indefinitely();
                    }).toList();
            List<Future<Integer>> results = runs.stream().map(pool::submit).toList();
            start.countDown();
            int published = 0;
            for (Future<Integer> result : results) {
                published += result.get();
            }
            // The scheduled repair may have been one of the claimers; no two claimed it at once.
            assertThat(published).isLessThanOrEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> pendingFields(challengeId).isEmpty() && !listedUnpublished(challengeId));
        assertThat(ids(allEvents(challengeId))).containsExactly(eventId(challengeId, "challenge.created", 1),
                eventId(challengeId, "push.requested", 1));
    }

    @Test
    void answerWhoseProcessDiedBeforeListingItIsPublishedByTheDeadlineSweep() {
        SimulatedDevice phone = phone();
        String userId = user();
        enrol(userId, phone);
        Tracked tracked = track(userId);
        String challengeId = initiate(tracked);

        publisher.failNext(1_000);
        assertThat(phone.updateChallenge(PUSH, challengeId, true, null).status()).isEqualTo(200);
        // As if the process died between the answer script and listing the challenge as unpublished.
        redis.sortedSet(String.class).zrem(OutboxStore.UNPUBLISHED, challengeId);
        publisher.failNext(0);

        clock.advance(REPAIR_DUE);
        outbox.repair().await().indefinitely();
        assertThat(pendingFields(challengeId)).containsExactly("evt:2:challenge.approved");

        // The event outlives the challenge's deadline (its hash is kept while it is pending) and the
        // sweep, which lists every challenge until its deadline, publishes it.
        clock.advance(Duration.ofMinutes(5));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> pendingFields(challengeId).isEmpty() && !listedUnpublished(challengeId));
        assertThat(stored(challengeId)).containsEntry("state", "approved");
        assertThat(ids(allEvents(challengeId).stream()
                .filter(record -> type(record).equals("dev.countersign.challenge.approved")).toList()))
                .containsExactly(eventId(challengeId, "challenge.approved", 2));
    }
}
