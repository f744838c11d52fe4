package dev.countersign.credential;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import dev.countersign.common.token.Scopes;
import dev.countersign.credential.messaging.OutboxRelayer;
import dev.countersign.testkit.EventTopics;
import dev.countersign.testkit.TraceIds;
import dev.countersign.testkit.TracingOn;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The outbox keeps the trace context of the request that made the change, so the record the relay
 * publishes later, from its scheduled run, still belongs to that request's trace.
 */
@QuarkusTest
@TestProfile(TracingOn.class)
class OutboxTraceContextTest extends CredentialTestSupport {

    @Test
    void anEventRelayedLaterByTheScheduleContinuesTheTraceOfTheRequestThatCausedIt() {
        String traceId = TraceIds.traceId();
        SqlConnection otherReplica = pool.getConnection().await().indefinitely();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            // Another replica holds the relay lock (taken between two scheduled runs, which hold it
            // briefly): the request's own kick cannot publish the event.
            await().atMost(Duration.ofSeconds(20)).until(() -> otherReplica.preparedQuery("select pg_try_advisory_lock($1)")
                    .execute(Tuple.of(OutboxRelayer.RELAY_LOCK))
                    .await().indefinitely().iterator().next().getBoolean(0));
            String user = newUser();
            String id = given().header("Authorization", "Bearer " + trackToken(user, Scopes.ADD_AUTHENTICATORS))
                    .header("traceparent", TraceIds.traceparent(traceId))
                    .contentType(ContentType.JSON).body(addBody(TestDeviceKey.generate()))
                    .post("/v1/client/user-authenticators/push").then().statusCode(200)
                    .extract().path("userAuthenticatorId");
            assertThat(outboxEventsFor(id)).isEqualTo(1);

            otherReplica.preparedQuery("select pg_advisory_unlock($1)").execute(Tuple.of(OutboxRelayer.RELAY_LOCK))
                    .await().indefinitely();
            List<ConsumerRecord<String, String>> records = recordsFor(consumer, id, 1);

            assertThat(records).hasSize(1);
            assertThat(EventTopics.header(records.get(0), "ce_type")).isEqualTo("dev.countersign.credential.added");
            assertThat(EventTopics.header(records.get(0), "traceparent"))
                    .matches("00-" + traceId + "-[0-9a-f]{16}-01");
        } finally {
            otherReplica.close().await().indefinitely();
        }
    }
}
