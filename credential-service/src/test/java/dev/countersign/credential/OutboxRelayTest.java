package dev.countersign.credential;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.credential.messaging.OutboxRelayer;
import dev.countersign.testkit.EventTopics;
import dev.countersign.testkit.TestTenants;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

@QuarkusTest
class OutboxRelayTest extends CredentialTestSupport {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void addAndRemoveArePublishedInOrderWithCloudEventsHeadersAndLeaveTheOutboxEmpty() throws Exception {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            String id = enrol("push", user, key);
            // Re-enrolling the same key changes nothing, so it publishes nothing.
            add("push", trackToken(user), addBody(key)).statusCode(200);
            remove("push", key, key.signWindow(window())).statusCode(200);

            List<ConsumerRecord<String, String>> records = recordsFor(consumer, id, 2);

            assertThat(records).hasSize(2);
            ConsumerRecord<String, String> added = records.get(0);
            ConsumerRecord<String, String> removed = records.get(1);
            assertThat(added.key()).isEqualTo(id);
            assertThat(EventTopics.header(added, "ce_type")).isEqualTo("dev.countersign.credential.added");
            assertThat(EventTopics.header(added, "ce_source")).isEqualTo("/countersign/credential-service");
            assertThat(EventTopics.header(added, "ce_subject")).isEqualTo(id);
            assertThat(EventTopics.header(added, "ce_specversion")).isEqualTo("1.0");
            JsonNode addedEvent = json.readTree(added.value());
            assertThat(EventTopics.header(added, "ce_id")).isEqualTo(addedEvent.get("eventId").asText());
            assertThat(addedEvent.get("type").asText()).isEqualTo("credential.added");
            assertThat(addedEvent.get("version").asLong()).isEqualTo(1);
            assertThat(addedEvent.get("tenantId").asText()).isEqualTo(TestTenants.TENANT_ID);
            assertThat(addedEvent.get("credentialId").asText()).isEqualTo(id);
            assertThat(addedEvent.get("userId").asText()).isEqualTo(user);
            assertThat(addedEvent.get("kind").asText()).isEqualTo("push");
            assertThat(addedEvent.get("publicKey").asText()).isEqualTo(key.publicKey());
            assertThat(Instant.parse(addedEvent.get("occurredAt").asText())).isNotNull();

            assertThat(removed.key()).isEqualTo(id);
            assertThat(EventTopics.header(removed, "ce_type")).isEqualTo("dev.countersign.credential.removed");
            JsonNode removedEvent = json.readTree(removed.value());
            assertThat(removedEvent.get("type").asText()).isEqualTo("credential.removed");
            assertThat(removedEvent.get("version").asLong()).isEqualTo(2);
            assertThat(EventTopics.header(removed, "ce_id")).isEqualTo(removedEvent.get("eventId").asText())
                    .isNotEqualTo(EventTopics.header(added, "ce_id"));

            awaitOutboxEmptyFor(id);
        }
    }

    @Test
    void serverApiDeletePublishesRemoved() throws Exception {
        String user = newUser();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            String id = enrol("in-app", user, TestDeviceKey.generate());
            io.restassured.RestAssured.given()
                    .header("Authorization", TestTenants.serverAuthorization(TestTenants.SECRET_KEY))
                    .when().delete("/v1/users/" + user + "/authenticators/" + id).then().statusCode(200);

            List<ConsumerRecord<String, String>> records = recordsFor(consumer, id, 2);

            assertThat(records).extracting(r -> EventTopics.header(r, "ce_type"))
                    .containsExactly("dev.countersign.credential.added", "dev.countersign.credential.removed");
            assertThat(json.readTree(records.get(1).value()).get("version").asLong()).isEqualTo(2);
            awaitOutboxEmptyFor(id);
        }
    }

    @Test
    void eventsWaitInTheOutboxWhileAnotherReplicaHoldsTheRelayLock() throws Exception {
        SqlConnection otherReplica = pool.getConnection().await().indefinitely();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            assertThat(otherReplica.preparedQuery("select pg_try_advisory_lock($1)")
                    .execute(Tuple.of(OutboxRelayer.RELAY_LOCK))
                    .await().indefinitely().iterator().next().getBoolean(0)).isTrue();
            String id = enrol("qr-code", newUser(), TestDeviceKey.generate());

            // The kick and at least one scheduled run find the lock taken: the event stays put.
            Thread.sleep(2500);
            assertThat(outboxEventsFor(id)).isEqualTo(1);

            otherReplica.preparedQuery("select pg_advisory_unlock($1)").execute(Tuple.of(OutboxRelayer.RELAY_LOCK))
                    .await().indefinitely();
            assertThat(recordsFor(consumer, id, 1)).extracting(r -> EventTopics.header(r, "ce_type"))
                    .containsExactly("dev.countersign.credential.added");
            awaitOutboxEmptyFor(id);
        } finally {
            otherReplica.close().await().indefinitely();
        }
    }

    private void awaitOutboxEmptyFor(String id) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (outboxEventsFor(id) > 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(outboxEventsFor(id)).isZero();
    }
}
