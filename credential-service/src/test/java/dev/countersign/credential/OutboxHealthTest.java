package dev.countersign.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.countersign.credential.messaging.OutboxRelayer;
import dev.countersign.credential.metrics.OutboxBacklog;
import dev.countersign.testkit.Management;
import dev.countersign.testkit.Metrics;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * An outbox that cannot publish shows as degraded in the readiness check's data and in a gauge,
 * without failing readiness or liveness (docs/observability.md#degraded-health).
 */
@QuarkusTest
class OutboxHealthTest extends CredentialTestSupport {

    @Inject
    OutboxBacklog backlog;

    @Test
    void anOutboxHeldBackPastTheThresholdIsDegradedButStaysUpAndRecoversOncePublished() {
        SqlConnection otherReplica = pool.getConnection().await().indefinitely();
        try {
            // Another "replica" holds the relay lock: events stay in the outbox.
            assertThat(otherReplica.preparedQuery("select pg_try_advisory_lock($1)")
                    .execute(Tuple.of(OutboxRelayer.RELAY_LOCK))
                    .await().indefinitely().iterator().next().getBoolean(0)).isTrue();
            String id = enrol("push", newUser(), TestDeviceKey.generate());
            // As if it had waited five minutes (older than the 60 s threshold).
            otherReplica.preparedQuery("update credential_outbox set created_at = created_at - interval '5 minutes'"
                    + " where aggregate_id = $1").execute(Tuple.of(UUID.fromString(id))).await().indefinitely();
            backlog.read().await().indefinitely();

            JsonPath ready = Management.given().get("/q/health/ready").then().statusCode(200).extract().jsonPath();
            assertThat(ready.getString("status")).isEqualTo("UP");
            assertThat(ready.getString("checks.find { it.name == 'credential-outbox' }.status")).isEqualTo("UP");
            assertThat(ready.getString("checks.find { it.name == 'credential-outbox' }.data.state")).isEqualTo("degraded");
            assertThat(ready.getLong("checks.find { it.name == 'credential-outbox' }.data.backlog")).isPositive();
            assertThat(ready.getLong("checks.find { it.name == 'credential-outbox' }.data.oldestAgeSeconds"))
                    .isGreaterThanOrEqualTo(300);
            assertThat(ready.getLong("checks.find { it.name == 'credential-outbox' }.data.thresholdSeconds")).isEqualTo(60);
            Management.given().get("/q/health/live").then().statusCode(200);
            assertThat(Metrics.scrape().value("countersign_credential_outbox_degraded")).isEqualTo(1);

            otherReplica.preparedQuery("select pg_advisory_unlock($1)").execute(Tuple.of(OutboxRelayer.RELAY_LOCK))
                    .await().indefinitely();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(outboxEventsFor(id)).isZero();
                backlog.read().await().indefinitely();
                assertThat(Management.given().get("/q/health/ready").then().statusCode(200).extract().jsonPath()
                        .getString("checks.find { it.name == 'credential-outbox' }.data.state")).isEqualTo("ok");
            });
            assertThat(Metrics.scrape().value("countersign_credential_outbox_degraded")).isZero();
        } finally {
            otherReplica.preparedQuery("select pg_advisory_unlock_all()").execute().await().indefinitely();
            otherReplica.close().await().indefinitely();
        }
    }

    @Test
    void consumerLagIsExportedPerConsumerGroupAndTopic() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            String text = Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(text.lines().filter(l -> l.startsWith("countersign_kafka_consumer_lag{")))
                    .anyMatch(l -> l.contains("group=\"credential-service-last-verified\"")
                            && l.contains("topic=\"challenge-events\"") && !l.endsWith(" NaN"))
                    .anyMatch(l -> l.contains("group=\"credential-service-push-tokens\"")
                            && l.contains("topic=\"delivery-events\"") && !l.endsWith(" NaN"));
        });
    }
}
