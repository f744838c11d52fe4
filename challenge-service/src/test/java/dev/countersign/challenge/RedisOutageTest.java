package dev.countersign.challenge;

import static dev.countersign.challenge.ActionResourceTest.user;
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

import dev.countersign.challenge.replica.KeyReplicaRebuild;
import dev.countersign.challenge.replica.KeyReplicaStore;
import dev.countersign.common.event.CredentialEvent;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.testkit.CapturedLogs;
import dev.countersign.testkit.Management;
import dev.countersign.testkit.TestTenants;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * Redis goes away for longer than a moment, or between two steps of one request: the key replica's
 * channel waits it out without losing or skipping events, and requests answer 503 with
 * {@code Retry-After} and one warning per outage. On a Redis of its own, so stopping it leaves every
 * other test's Redis alone.
 */
@QuarkusTest
@TestProfile(RedisOutageTest.OwnRedis.class)
class RedisOutageTest {

    static final String TENANT = TestTenants.TENANT_ID;
    /** Tries the channel used to make of one event before it gave up and failed. */
    static final int OLD_TRIES = 10;
    static final Duration BOUND = Duration.ofSeconds(60);

    public static class OwnRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Short back-off, so that many more tries than the channel used to make pass quickly.
            return Map.of("countersign.challenge.key-replica.check-interval", "PT1S",
                    "countersign.challenge.key-replica.apply-backoff", "PT0.05S",
                    "countersign.challenge.key-replica.apply-max-backoff", "PT0.2S");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(StoppableRedis.class));
        }
    }

    @Inject
    KeyReplicaRebuild rebuild;

    @Inject
    RedisDataSource redis;

    @Inject
    MeterRegistry meters;

    @Inject
    RedisStopsBeforeStoring store;

    @BeforeEach
    void replicaIsWhole() {
        StoppableRedis.startRedis();
        await().atMost(BOUND).until(rebuild::complete);
    }

    @AfterEach
    void redisRuns() {
        StoppableRedis.startRedis();
    }

    /** Announces a push credential of a new user; answers its id. */
    static String announce(String userId) {
        SimulatedDevice phone = PushChallengeTest.device(DeviceProfile.ANDROID_3_8);
        String credentialId = UUID.randomUUID().toString();
        TestCredentials.produce(TestCredentials.event(CredentialEvent.ADDED, TENANT, credentialId, 1, userId,
                PushChallengeTest.key(phone), Instant.now(), "android", "fcm-token-" + credentialId));
        return credentialId;
    }

    /** Whether the user's index in the replica lists the credential: written by an event, not a lookup. */
    boolean indexed(String userId, String credentialId) {
        return redis.hash(String.class).hgetall(KeyReplicaStore.userIndex(TENANT, userId)).containsKey(credentialId);
    }

    double applyRetries() {
        Counter counter = meters.find("countersign.key.replica.apply.retries").counter();
        return counter == null ? 0 : counter.count();
    }

    static ValidatableResponse liveness() {
        return Management.given().get("/q/health/live").then();
    }

    @Test
    void credentialEventsChannelWaitsOutARedisOutageLongerThanItsRetriesAndAppliesEventsAfterIt() {
        String before = user();
        String beforeId = announce(before);
        await().atMost(BOUND).until(() -> indexed(before, beforeId));

        StoppableRedis.stopRedis();
        String during = user();
        String duringId = announce(during);
        double retriesAtStop = applyRetries();
        // Far more tries than the channel used to make before it failed for good.
        await().atMost(BOUND).until(() -> applyRetries() > retriesAtStop + 3 * OLD_TRIES);
        liveness().statusCode(200);
        Management.given().get("/q/health/ready").then().statusCode(503);

        StoppableRedis.startRedis();
        // Back empty: the rebuild restores what the topic holds; the event held up in the channel lands too.
        await().atMost(BOUND).until(() -> rebuild.complete() && indexed(during, duringId));

        // The channel itself still runs: an event announced now reaches the replica.
        String after = user();
        String afterId = announce(after);
        await().atMost(BOUND).until(() -> indexed(after, afterId));
        liveness().statusCode(200);
        Management.given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void pushInitiationWhoseRedisStopsBetweenItsStepsAnswers503WithRetryAfterAndLogsNoError() {
        String userId = user();
        String credentialId = announce(userId);
        await().atMost(BOUND).until(() -> indexed(userId, credentialId));
        String token = KeyReplicaHealingTest.track(userId);

        try (CapturedLogs logged = new CapturedLogs("dev.countersign")) {
            store.arm();
            PushChallengeTest.initiate(token, Map.of("action", "signIn")).statusCode(503)
                    .header("Retry-After", "5").contentType(ContentType.JSON)
                    .body("error", equalTo("service_unavailable"))
                    .body("errorCode", equalTo("service_unavailable"));
            assertThat(logged.errors()).as("error lines").isEmpty();
        }
    }

    @Test
    void qrCreationWhoseRedisStopsBetweenItsStepsAnswers503WithRetryAfterAndLogsNoError() {
        try (CapturedLogs logged = new CapturedLogs("dev.countersign")) {
            store.arm();
            QrChallengeTest.create(QrChallengeTest.tenantBasic(TENANT), InitiationBudgetsTest.address(),
                    Map.of("action", "kioskLogin")).statusCode(503)
                    .header("Retry-After", "5").contentType(ContentType.JSON)
                    .body("error", equalTo("service_unavailable"))
                    .body("errorCode", equalTo("service_unavailable"));
            assertThat(logged.errors()).as("error lines").isEmpty();
        }
    }
}
