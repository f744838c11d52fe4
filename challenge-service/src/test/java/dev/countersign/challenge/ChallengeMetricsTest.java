package dev.countersign.challenge;

import static dev.countersign.challenge.ActionResourceTest.server;
import static dev.countersign.challenge.ActionResourceTest.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.countersign.challenge.PushChallengeTest.Tracked;
import dev.countersign.challenge.lifecycle.ChallengeSweeper;
import dev.countersign.challenge.lifecycle.SweepStore;
import dev.countersign.challenge.metrics.OutboxBacklog;
import dev.countersign.challenge.replica.KeyReplica;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.testkit.Metrics;
import dev.countersign.testkit.SettableClock;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The domain metrics on the management port count what really happened, once: read before and
 * after, as counters live as long as the JVM (docs/observability.md).
 */
@QuarkusTest
class ChallengeMetricsTest {

    @Inject
    KeyReplica replica;

    @Inject
    RedisDataSource redis;

    @Inject
    SettableClock clock;

    @Inject
    ChallengeSweeper sweeper;

    @Inject
    OutboxBacklog backlog;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    /** PushChallengeTest's helpers (enrol, track, stored) on this test's beans. */
    private PushChallengeTest push() {
        return PushChallengeTest.on(replica, redis);
    }

    @Test
    void answersAreCountedOnceWithTheirTimeAndARejectionsBackOffRefusalIsCounted() {
        PushChallengeTest push = push();
        SimulatedDevice phone = PushChallengeTest.device(DeviceProfile.ANDROID_3_8);
        String userId = user();
        push.enrol(userId, phone);
        Metrics before = Metrics.scrape();

        Tracked approvedAction = push.track(userId);
        String approved = PushChallengeTest.initiate(approvedAction);
        assertThat(phone.updateChallenge(PushChallengeTest.PUSH, approved, true, null).status()).isEqualTo(200);
        assertThat(phone.updateChallenge(PushChallengeTest.PUSH, approved, true, null).status()).isEqualTo(409);
        String accessToken = PushChallengeTest.poll(approvedAction.token(), approved).statusCode(200)
                .extract().path("accessToken");
        validate(accessToken);
        validate(accessToken);
        validate("not-a-token");

        String rejected = PushChallengeTest.initiate(push.track(userId));
        assertThat(phone.updateChallenge(PushChallengeTest.PUSH, rejected, false, null).status()).isEqualTo(200);
        PushChallengeTest.initiate(push.track(userId).token(), null).statusCode(429);

        Metrics after = Metrics.scrape();
        assertDelta(before, after, 2, "countersign_challenges_created_total", "method", "push");
        assertDelta(before, after, 1, "countersign_challenges_ended_total", "method", "push", "outcome", "approved");
        assertDelta(before, after, 1, "countersign_challenges_ended_total", "method", "push", "outcome", "rejected");
        assertDelta(before, after, 1, "countersign_challenge_answer_seconds_count", "method", "push",
                "outcome", "approved");
        assertDelta(before, after, 1, "countersign_challenge_answer_seconds_count", "method", "push",
                "outcome", "rejected");
        assertDelta(before, after, 1, "countersign_limit_refusals_total", "method", "push", "reason", "backoff");
        assertDelta(before, after, 0, "countersign_limit_refusals_total", "method", "push", "reason", "user");
        assertDelta(before, after, 2, "countersign_token_validations_total", "result", "valid");
        assertDelta(before, after, 1, "countersign_token_validations_total", "result", "invalid_token");
    }

    @Test
    void supersededAndSweptChallengesAreCountedOnceWhenTheyEnd() {
        PushChallengeTest push = push();
        String userId = user();
        push.enrol(userId, PushChallengeTest.device(DeviceProfile.IOS_2_7));
        // Other tests' pending challenges end first, so that the sweep below ends only this test's.
        clock.advance(Duration.ofMinutes(6));
        await().atMost(Duration.ofSeconds(30)).until(() -> sweeper.sweep().await().indefinitely() == 0
                && redis.sortedSet(String.class).zcount(SweepStore.DEADLINES,
                        ScoreRange.from(Double.NEGATIVE_INFINITY, clock.millis())) == 0);
        Metrics before = Metrics.scrape();

        String first = PushChallengeTest.initiate(push.track(userId));
        String second = PushChallengeTest.initiate(push.track(userId));
        assertThat(push.stored(first)).containsEntry("state", "superseded");
        clock.advance(Duration.ofMinutes(6));
        await().atMost(Duration.ofSeconds(15)).until(() -> "expired".equals(push.stored(second).get("state")));
        assertThat(sweeper.sweep().await().indefinitely()).isZero();

        Metrics after = Metrics.scrape();
        assertDelta(before, after, 2, "countersign_challenges_created_total", "method", "push");
        assertDelta(before, after, 1, "countersign_challenges_ended_total", "method", "push", "outcome", "superseded");
        assertDelta(before, after, 1, "countersign_challenges_ended_total", "method", "push", "outcome", "expired");
        assertDelta(before, after, 0, "countersign_challenge_answer_seconds_count", "method", "push",
                "outcome", "expired");
    }

    @Test
    void aLookupOfAUserTheReplicaDoesNotKnowIsCountedAsAReadThrough() {
        Metrics before = Metrics.scrape();
        replica.credentialIdsOf(PushChallengeTest.TENANT, user(), PushChallengeTest.PUSH).await().indefinitely();
        assertDelta(before, Metrics.scrape(), 1, "countersign_key_replica_read_throughs_total", "lookup", "user");
    }

    @Test
    void theOutboxBacklogIsExposedAsGauges() {
        backlog.read().await().indefinitely();
        Metrics metrics = Metrics.scrape();
        assertThat(metrics.exposes("countersign_challenge_outbox_backlog")).isTrue();
        assertThat(metrics.exposes("countersign_challenge_outbox_overdue_seconds")).isTrue();
        assertThat(metrics.value("countersign_challenge_outbox_backlog")).isNotNaN().isNotNegative();
        assertThat(metrics.value("countersign_challenge_outbox_overdue_seconds")).isNotNaN().isNotNegative();
    }

    @Test
    void theOutboxStateIsAReadinessCheckThatNeverGoesDownAndAGauge() {
        backlog.read().await().indefinitely();
        io.restassured.path.json.JsonPath ready = dev.countersign.testkit.Management.given().get("/q/health/ready")
                .then().extract().jsonPath();
        String check = "checks.find { it.name == 'challenge-outbox' }";
        assertThat(ready.getString(check + ".status")).isEqualTo("UP");
        assertThat(ready.getString(check + ".data.state")).isIn("ok", "degraded");
        assertThat(ready.getLong(check + ".data.thresholdSeconds")).isEqualTo(60);
        assertThat(ready.getLong(check + ".data.overdueSeconds")).isNotNegative();
        assertThat(Metrics.scrape().value("countersign_challenge_outbox_degraded")).isIn(0.0, 1.0);
    }

    @Test
    void everyDomainSeriesExistsAtZeroBeforeItsFirstEvent() {
        Metrics metrics = Metrics.scrape();
        // Labels no test here produces: present all the same, from the start.
        assertThat(metrics.exposes("countersign_limit_refusals_total")).isTrue();
        assertThat(text().lines()).anyMatch(l -> l.startsWith("countersign_challenges_ended_total{")
                && l.contains("method=\"in-app\"") && l.contains("outcome=\"burned\""));
        assertThat(text().lines()).anyMatch(l -> l.startsWith("countersign_challenge_answer_seconds_bucket{")
                && l.contains("method=\"qr-code\"") && l.contains("outcome=\"rejected\""));
        assertThat(text().lines()).anyMatch(l -> l.startsWith("countersign_token_validations_total{")
                && l.contains("result=\"expired_token\""));
    }

    private static String text() {
        return dev.countersign.testkit.Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static void validate(String token) {
        server().contentType(ContentType.JSON).body(Map.of("token", token)).post("/v1/validate").then().statusCode(200);
    }

    static void assertDelta(Metrics before, Metrics after, double delta, String name, String... labels) {
        assertThat(after.since(before, name, labels)).as(name + " " + String.join(",", labels))
                .isEqualTo(delta);
    }
}
