package dev.countersign.credential;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import dev.countersign.common.token.Scopes;
import dev.countersign.testkit.CapturedLogs;
import dev.countersign.testkit.FrozenProcess;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;

/**
 * A server credential-service depends on stalls (SIGSTOP: connections open, nothing answers): an
 * enrolment whose client gives up during a PostgreSQL stall runs to its end once the database
 * answers (no transaction cut off halfway, no session closed under a statement), and a frozen Kafka
 * broker does not hold an enrolment up.
 */
@QuarkusTest
class DependencyStallTest extends CredentialTestSupport {

    static final int ABANDONED = 8;
    static final Duration STALL_AFTER_CLIENTS_LEFT = Duration.ofSeconds(3);

    static void allGiveUp(List<Callable<Void>> calls) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(calls.size());
        try {
            for (Future<Void> call : clients.invokeAll(calls)) {
                call.get();
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void enrolmentAbandonedDuringAPostgresStallRunsToItsEndAndTheNextOneWorks() throws Exception {
        String userId = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        String token = trackToken(userId, Scopes.ADD_AUTHENTICATORS);
        // A client that gives up long before the stall ends.
        RestAssuredConfig impatient = RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.socket.timeout", 1_000).setParam("http.connection.timeout", 1_000));

        try (CapturedLogs logged = new CapturedLogs("")) {
            try (FrozenProcess stalled = FrozenProcess.postgres()) {
                // Several clients at once, each with its own user, all giving up while the database is stalled.
                List<Callable<Void>> calls = new ArrayList<>();
                for (int i = 0; i < ABANDONED; i++) {
                    String user = i == 0 ? userId : newUser();
                    TestDeviceKey device = i == 0 ? key : TestDeviceKey.generate();
                    String bearer = i == 0 ? token : trackToken(user, Scopes.ADD_AUTHENTICATORS);
                    calls.add(() -> {
                        assertThatThrownBy(() -> given().config(impatient).header("Authorization", "Bearer " + bearer)
                                .contentType(ContentType.JSON).body(addBody(device))
                                .post("/v1/client/user-authenticators/push"))
                                .hasStackTraceContaining("SocketTimeoutException");
                        return null;
                    });
                }
                allGiveUp(calls);
                // The stall's own length: it goes on a while after the clients left, as a real one does,
                // so the service has seen them go before the database answers again.
                Thread.sleep(STALL_AFTER_CLIENTS_LEFT.toMillis());
            }

            // The abandoned enrolment ran to its end once the database answered: the credential with its
            // event, not a transaction cut off halfway by the client's departure.
            await().atMost(Duration.ofSeconds(30)).until(() -> rowsOf(userId) == 1 && outboxOrPublished(userId));

            // The next request works, for another user and for the same one.
            String other = newUser();
            assertThat(enrol("push", other, TestDeviceKey.generate())).isNotBlank();
            add("push", trackToken(userId, Scopes.ADD_AUTHENTICATORS), addBody(key)).statusCode(200);
            assertThat(rowsOf(userId)).isEqualTo(1);

            assertThat(logged.messages()).noneMatch(message -> message.contains("HR000069")
                    || message.contains("Live transaction detected")
                    || message.contains("non-threadsafe"));
        }
    }

    /** The user's credential has its event: still in the outbox, or already relayed and deleted from it. */
    private boolean outboxOrPublished(String userId) {
        long inOutbox = count("select count(*) from credential_outbox o join credential c on o.aggregate_id = c.id"
                + " where c.user_id = $1", userId);
        long createdAt = count("select count(*) from credential where user_id = $1", userId);
        return inOutbox > 0 || (createdAt == 1 && publishedFor(userId));
    }

    private boolean publishedFor(String userId) {
        String id = pool.preparedQuery("select id::text from credential where user_id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(userId)).await().indefinitely().iterator().next()
                .getString(0);
        try (KafkaConsumer<String, String> consumer = consumer()) {
            return !recordsFor(consumer, id, 1).isEmpty();
        }
    }

    @Test
    void enrolmentAnswersWhileKafkaIsFrozenAndItsEventIsPublishedOnceItRunsAgain() {
        String userId = newUser();
        String credentialId;
        try (FrozenProcess frozen = FrozenProcess.kafka()) {
            credentialId = enrol("push", userId, TestDeviceKey.generate());
        }
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<ConsumerRecord<String, String>> records = recordsFor(consumer, credentialId, 1);
            assertThat(records).hasSize(1);
        }
    }
}
