package dev.countersign.credential;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;

import dev.countersign.common.token.Scopes;
import dev.countersign.common.token.TokenIssuer;
import dev.countersign.common.token.TokenType;
import dev.countersign.testkit.SettableClock;
import dev.countersign.testkit.TestTenants;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** Shared steps of the credential tests: tokens, device calls, and looks at the stored rows. */
abstract class CredentialTestSupport {

    static final String TENANT_BASIC = "Basic " + Base64.getEncoder()
            .encodeToString((TestTenants.TENANT_ID + ":").getBytes(StandardCharsets.UTF_8));
    static final String OTHER_TENANT_BASIC = "Basic " + Base64.getEncoder()
            .encodeToString((TestTenants.OTHER_TENANT_ID + ":").getBytes(StandardCharsets.UTF_8));

    @Inject
    TokenIssuer tokens;

    @Inject
    Pool pool;

    @Inject
    SettableClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static String newUser() {
        return "user-" + UUID.randomUUID();
    }

    String trackToken(String userId, String... scopes) {
        return trackTokenOf(TestTenants.TENANT_ID, userId, scopes);
    }

    String trackTokenOf(String tenantId, String userId, String... scopes) {
        Set<String> granted = scopes.length == 0 ? Set.of(Scopes.READ_AUTHENTICATORS) : Set.of(scopes);
        return tokens.issue(TokenType.TRACK, tenantId, userId, "signIn", UUID.randomUUID().toString(), granted, null)
                .token();
    }

    static Map<String, Object> addBody(TestDeviceKey key) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("publicKey", key.publicKey());
        body.put("deviceName", "Google Pixel 8");
        body.put("devicePlatform", "android");
        return body;
    }

    static ValidatableResponse add(String feature, String token, Object body) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON).body(body)
                .when().post("/v1/client/user-authenticators/" + feature).then();
    }

    /** Enrols a fresh key for the user as its first credential and returns the credential id. */
    String enrol(String feature, String userId, TestDeviceKey key) {
        return add(feature, trackToken(userId, Scopes.ADD_AUTHENTICATORS), addBody(key)).statusCode(200)
                .extract().path("userAuthenticatorId");
    }

    static ValidatableResponse get(String feature, String query) {
        return given().header("Authorization", TENANT_BASIC).queryParam("publicKey", query)
                .when().get("/v1/client/user-authenticators/" + feature).then();
    }

    static ValidatableResponse remove(String feature, TestDeviceKey key, String signature) {
        return given().header("Authorization", TENANT_BASIC).contentType(ContentType.JSON)
                .body(Map.of("publicKey", key.publicKey(), "signature", signature))
                .when().post("/v1/client/user-authenticators/" + feature + "/remove").then();
    }

    /** The current 10-minute window at the service's clock. */
    long window() {
        return Math.floorDiv(clock.instant().getEpochSecond(), 600);
    }

    /** Freezes the clock in the middle of a window, so W-1..W+1 cannot slide during the test. */
    void freezeMidWindow() {
        long now = Instant.now().getEpochSecond();
        clock.freezeAt(Instant.ofEpochSecond(Math.floorDiv(now, 600) * 600 + 300));
    }

    long count(String sql, Object... parameters) {
        return pool.preparedQuery(sql).execute(Tuple.from(parameters)).await().indefinitely()
                .iterator().next().getLong(0);
    }

    long activeCredentialsOf(String userId) {
        return count("select count(*) from credential where tenant_id = $1 and user_id = $2 and removed_at is null",
                TestTenants.TENANT_ID, userId);
    }

    long rowsOf(String userId) {
        return count("select count(*) from credential where user_id = $1", userId);
    }

    long rowsWithKey(TestDeviceKey key) {
        return count("select count(*) from credential where public_key = $1", key.publicKey());
    }

    long outboxEventsFor(String credentialId) {
        return count("select count(*) from credential_outbox where aggregate_id = $1", UUID.fromString(credentialId));
    }

    /** A consumer of credential-events from the start, in a group of its own. */
    static KafkaConsumer<String, String> consumer() {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "outbox-test-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new StringDeserializer());
        consumer.subscribe(List.of("credential-events"));
        return consumer;
    }

    /** Polls until {@code expected} records of the credential arrived, then a little longer to catch extras. */
    static List<ConsumerRecord<String, String>> recordsFor(KafkaConsumer<String, String> consumer, String id,
            int expected) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(30);
        while (found.size() < expected && Instant.now().isBefore(deadline)) {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                if (id.equals(r.key())) {
                    found.add(r);
                }
            });
        }
        consumer.poll(Duration.ofMillis(1000)).forEach(r -> {
            if (id.equals(r.key())) {
                found.add(r);
            }
        });
        return found;
    }
}
