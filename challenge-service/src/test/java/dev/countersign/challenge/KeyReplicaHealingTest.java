package dev.countersign.challenge;

import static dev.countersign.challenge.ActionResourceTest.user;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.countersign.challenge.replica.KeyReplica;
import dev.countersign.challenge.replica.KeyReplicaRebuild;
import dev.countersign.challenge.replica.KeyReplicaStore;
import dev.countersign.challenge.replica.KeyReplicaStore.Change;
import dev.countersign.challenge.replica.ReplicaEpochStore;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.event.CredentialEvent;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.testkit.Management;
import dev.countersign.testkit.TestTenants;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * Redis loses its data (FLUSHALL, or a restart without persistence): the key replica notices by its
 * missing epoch marker, asks credential-service meanwhile, and rebuilds itself from the start of
 * {@code credential-events}; while Redis is away, requests answer 503 with {@code Retry-After}.
 * On a Redis of its own, so stopping it leaves every other test's Redis alone.
 */
@QuarkusTest
@TestProfile(KeyReplicaHealingTest.OwnRedis.class)
class KeyReplicaHealingTest {

    static final String TENANT = TestTenants.TENANT_ID;
    static final CredentialKind PUSH = CredentialKind.PUSH;
    /** The bound within which the replica heals: a check (every second here) and a rebuild of a small topic. */
    static final Duration HEALS_WITHIN = Duration.ofSeconds(30);

    public static class OwnRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("countersign.challenge.key-replica.check-interval", "PT1S");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(StoppableRedis.class));
        }
    }

    @Inject
    KeyReplica replica;

    @Inject
    KeyReplicaRebuild rebuild;

    @Inject
    RedisDataSource redis;

    @BeforeEach
    void replicaIsWhole() {
        await().atMost(HEALS_WITHIN).until(rebuild::complete);
    }

    @AfterEach
    void redisRuns() {
        StoppableRedis.startRedis();
    }

    /** An enrolled user, as credential-service announced it and the replica applied it. */
    record Enrolled(String userId, String credentialId, SimulatedDevice phone) {
    }

    Enrolled enrol() {
        SimulatedDevice phone = PushChallengeTest.device(DeviceProfile.ANDROID_3_8);
        String userId = user();
        String credentialId = UUID.randomUUID().toString();
        TestCredentials.produce(TestCredentials.event(CredentialEvent.ADDED, TENANT, credentialId, 1, userId,
                PushChallengeTest.key(phone), Instant.now(), "android", "fcm-token-" + credentialId));
        await().atMost(KeyReplicaTest.EVENT_WAIT).until(() -> replica.credentialIdsOf(TENANT, userId, PUSH)
                .await().indefinitely().contains(credentialId));
        return new Enrolled(userId, credentialId, phone);
    }

    static String track(String userId) {
        return ActionResourceTest.server().contentType(ContentType.JSON).body(Map.of())
                .post("/v1/users/{userId}/actions/{action}", userId, "signIn")
                .then().statusCode(200).extract().path("token");
    }

    static ValidatableResponse initiate(String userId) {
        return PushChallengeTest.initiate(track(userId), Map.of("action", "signIn"));
    }

    private Map<String, String> index(String userId) {
        return redis.hash(String.class).hgetall(KeyReplicaStore.userIndex(TENANT, userId));
    }

    @Test
    void pushWorksAgainForExistingUsersOnceTheReplicaIsRebuiltAfterFlushall() {
        Enrolled enrolled = enrol();
        // Removed before the loss: the rebuild must bring its tombstone back, not the key.
        SimulatedDevice removedPhone = PushChallengeTest.device(DeviceProfile.IOS_2_7);
        String removedId = UUID.randomUUID().toString();
        String otherUser = user();
        TestCredentials.produce(
                TestCredentials.event(CredentialEvent.ADDED, TENANT, removedId, 1, otherUser, "push",
                        PushChallengeTest.key(removedPhone), Instant.now()),
                TestCredentials.event(CredentialEvent.REMOVED, TENANT, removedId, 2, otherUser, "push",
                        PushChallengeTest.key(removedPhone), Instant.now()));
        String tombstone = KeyReplicaStore.keyEntry(TENANT, PUSH, PushChallengeTest.key(removedPhone).fingerprint());
        await().atMost(KeyReplicaTest.EVENT_WAIT).until(() -> "1".equals(redis.hash(String.class)
                .hget(tombstone, "removed")));
        double rebuildsBefore = rebuild.rebuilds();

        redis.flushall();

        // credential-service (its stand-in) knows neither user: only the rebuild can bring them back.
        await().atMost(HEALS_WITHIN).untilAsserted(() -> initiate(enrolled.userId()).statusCode(200)
                .body("deliveryResults[0].userAuthenticatorId", equalTo(enrolled.credentialId())));
        await().atMost(HEALS_WITHIN).until(rebuild::complete);

        assertThat(index(enrolled.userId())).containsKey(enrolled.credentialId());
        assertThat(redis.value(String.class).get(ReplicaEpochStore.EPOCH)).isNotBlank();
        assertThat(redis.hash(String.class).hgetall(tombstone)).containsEntry("removed", "1")
                .containsEntry("version", "2");
        assertThat(redis.hash(String.class).hget(KeyReplicaStore.pushTargets(TENANT, enrolled.userId()),
                enrolled.credentialId())).contains("fcm-token-" + enrolled.credentialId());
        assertThat(rebuild.rebuilds()).isEqualTo(rebuildsBefore + 1);
        Management.given().get("/q/metrics").then().statusCode(200).body(org.hamcrest.Matchers.containsString(
                "countersign_key_replica_rebuilds_total"));
        Management.given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'key-replica' }.data.state", equalTo("COMPLETE"));

        DeviceResponse fetched = enrolled.phone().getPushChallenge();
        assertThat(fetched.status()).as(fetched.toString()).isEqualTo(200);
        assertThat(fetched.text("userAuthenticatorId")).isEqualTo(enrolled.credentialId());
        assertThat(replica.find(TENANT, PUSH, PushChallengeTest.key(removedPhone)).await().indefinitely()).isEmpty();
    }

    @Test
    void whileTheReplicaIsRebuiltLookupsAskCredentialService() {
        Enrolled enrolled = enrol();
        TestCredentials.stubAnswers(TENANT, enrolled.credentialId(), enrolled.userId(), "push",
                PushChallengeTest.key(enrolled.phone()), 1);
        // A credential credential-service no longer has, as an old event replayed by a rebuild leaves it.
        SimulatedDevice stalePhone = PushChallengeTest.device(DeviceProfile.IOS_2_7);
        String staleUser = user();

        // Lost, and another replica of the service holds the rebuild lease: this one waits and reads through.
        redis.withTransaction(tx -> {
            tx.execute("FLUSHALL");
            tx.value(String.class).psetex(ReplicaEpochStore.LEASE, 120_000, "another-replica");
        });
        await().atMost(HEALS_WITHIN).until(() -> rebuild.state() == KeyReplicaRebuild.State.REBUILDING_ELSEWHERE);
        Management.given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'key-replica' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'key-replica' }.data.state", equalTo("REBUILDING_ELSEWHERE"));
        replica.apply(new Change(TENANT, UUID.randomUUID().toString(), 1, staleUser, PUSH,
                PushChallengeTest.key(stalePhone).spkiBase64(), false),
                PushChallengeTest.key(stalePhone).fingerprint(), java.util.Optional.of(1L)).await().indefinitely();

        var tracked = ActionResourceTest.server().contentType(ContentType.JSON).body(Map.of())
                .post("/v1/users/{userId}/actions/{action}", enrolled.userId(), "signIn")
                .then().statusCode(200).body("isEnrolled", equalTo(true))
                .body("enrolledVerificationMethods", org.hamcrest.Matchers.hasItem("PUSH"))
                .extract().jsonPath();
        String track = tracked.getString("token");
        PushChallengeTest.initiate(track, Map.of("action", "signIn")).statusCode(200)
                .body("deliveryResults[0].userAuthenticatorId", equalTo(enrolled.credentialId()));
        DeviceResponse fetched = enrolled.phone().getPushChallenge();
        assertThat(fetched.status()).as(fetched.toString()).isEqualTo(200);
        assertThat(TestCredentials.stubUserQueriesFor(enrolled.userId())).isNotEmpty();
        assertThat(replica.find(TENANT, PUSH, PushChallengeTest.key(stalePhone)).await().indefinitely()).isEmpty();
        assertThat(TestCredentials.stubQueriesFor(PushChallengeTest.key(stalePhone))).hasSize(1);
        assertThat(redis.value(String.class).get(ReplicaEpochStore.EPOCH)).isNull();

        // The other replica died: its lease runs out, and this one rebuilds.
        redis.key().del(ReplicaEpochStore.LEASE);
        await().atMost(HEALS_WITHIN).until(rebuild::complete);
        assertThat(redis.value(String.class).get(ReplicaEpochStore.EPOCH)).isNotBlank();
    }

    private static void readyIsDownWhileRedisIsAway() {
        Management.given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'key-replica' }.data.state", equalTo("REDIS_UNAVAILABLE"));
    }

    @Test
    void redisDownAnswersServiceUnavailableWithRetryAfterAndRedisBackWorksAgain() {
        Enrolled enrolled = enrol();
        String track = track(enrolled.userId());

        List<java.util.logging.LogRecord> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    logged.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger ours = java.util.logging.Logger.getLogger("dev.countersign");
        ours.addHandler(capture);
        try {
            StoppableRedis.stopRedis();

            for (int i = 0; i < 5; i++) {
                PushChallengeTest.initiate(track, Map.of("action", "signIn")).statusCode(503)
                        .header("Retry-After", "5").contentType(ContentType.JSON)
                        .body("error", equalTo("service_unavailable"))
                        .body("errorCode", equalTo("service_unavailable"));
                DeviceResponse fetched = enrolled.phone().getPushChallenge();
                assertThat(fetched.status()).as(fetched.toString()).isEqualTo(503);
                assertThat(fetched.text("errorCode")).isEqualTo("service_unavailable");
                given().headers(fetched.request().headers()).get(fetched.request().uri()).then().statusCode(503)
                        .header("Retry-After", "5").body("error", equalTo("service_unavailable"));
            }
            await().atMost(HEALS_WITHIN)
                    .until(() -> rebuild.state() == KeyReplicaRebuild.State.REDIS_UNAVAILABLE);
            readyIsDownWhileRedisIsAway();

            // One line for the outage, not one per request or per background run.
            assertThat(logged).noneMatch(record -> record.getLevel().intValue()
                    > java.util.logging.Level.WARNING.intValue());
            assertThat(logged).filteredOn(record -> record.getLoggerName().endsWith("Outages")).hasSize(1);
            assertThat(logged).as("warnings during the outage").hasSizeLessThanOrEqualTo(2);
        } finally {
            ours.removeHandler(capture);
            StoppableRedis.startRedis();
        }

        // Back empty: the replica is rebuilt, and the user can be pushed again.
        await().atMost(HEALS_WITHIN).untilAsserted(() -> initiate(enrolled.userId()).statusCode(200)
                .body("deliveryResults[0].userAuthenticatorId", equalTo(enrolled.credentialId())));
        DeviceResponse again = enrolled.phone().getPushChallenge();
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
    }
}
