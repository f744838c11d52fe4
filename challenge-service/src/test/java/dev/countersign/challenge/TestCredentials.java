package dev.countersign.challenge;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.ConfigProvider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.event.CredentialEvent;
import dev.countersign.testkit.EventTopics;
import io.restassured.http.ContentType;

/**
 * Device keys and credential events as credential-service makes them: a real P-256 key, the event
 * JSON with an ISO {@code occurredAt}, CloudEvents binary headers, Kafka key = credential id.
 */
final class TestCredentials {

    static final String TOPIC = "credential-events";
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private TestCredentials() {
    }

    static DevicePublicKey newKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return DevicePublicKey.fromSpki(generator.generateKeyPair().getPublic().getEncoded()).orElseThrow();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static CredentialEvent event(String type, String tenantId, String credentialId, long version, String userId,
            String kind, DevicePublicKey key, Instant occurredAt) {
        return new CredentialEvent(UUID.randomUUID().toString(), type, tenantId, credentialId, version, userId, kind,
                key.spkiBase64(), occurredAt, null, null, null);
    }

    /** With push delivery data (platform, token), as credential-service sends it. */
    static CredentialEvent event(String type, String tenantId, String credentialId, long version, String userId,
            DevicePublicKey key, Instant occurredAt, String platform, String pushToken) {
        return new CredentialEvent(UUID.randomUUID().toString(), type, tenantId, credentialId, version, userId, "push",
                key.spkiBase64(), occurredAt, platform, pushToken, null);
    }

    /**
     * Sends the events in order to one partition, so a test that awaits the last one knows every
     * earlier one was applied (the consumer handles a partition in order).
     */
    static void produce(CredentialEvent... events) {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (CredentialEvent event : events) {
            try {
                records.add(EventTopics.cloudEvent(TOPIC, 0, event.credentialId(), event.eventId(),
                        event.cloudEventType(), "/countersign/credential-service", JSON.writeValueAsString(event)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        EventTopics.publish(bootstrap(), records.toArray(ProducerRecord[]::new));
    }

    /** A value that is no event at all. */
    static void produceRaw(String value) {
        EventTopics.publish(bootstrap(), new ProducerRecord<>(TOPIC, 0, "garbage", value));
    }

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    /** The stub's base URL (see {@link CredentialServiceStub}). */
    static String stubUrl() {
        return ConfigProvider.getConfig().getValue("countersign.services.credential-url", String.class);
    }

    /** Makes the stub answer 200 for this key with this credential. */
    static void stubAnswers(String tenantId, String credentialId, String userId, String kind, DevicePublicKey key,
            long version) {
        given().contentType(ContentType.JSON)
                .body(Map.of("credentialId", credentialId, "tenantId", tenantId, "userId", userId, "kind", kind,
                        "publicKey", key.spkiBase64(), "version", version))
                .put(stubUrl() + "/stub/answers")
                .then().statusCode(200);
    }

    /** Makes the stub answer this key with {@code extra} merged into the credential (status, answeredKey). */
    static void stubAnswers(String tenantId, DevicePublicKey key, String kind, Map<String, Object> extra) {
        Map<String, Object> answer = new java.util.HashMap<>(Map.of("credentialId", UUID.randomUUID().toString(),
                "tenantId", tenantId, "userId", "user-" + UUID.randomUUID(), "kind", kind,
                "publicKey", key.spkiBase64(), "version", 1));
        answer.putAll(extra);
        given().contentType(ContentType.JSON).body(answer).put(stubUrl() + "/stub/answers").then().statusCode(200);
    }

    /** The stub's recorded queries that asked for this key. */
    static List<String> stubQueriesFor(DevicePublicKey key) {
        String encoded = java.net.URLEncoder.encode(key.spkiBase64(), StandardCharsets.UTF_8);
        return stubQueries(query -> query.contains("publicKey=" + encoded));
    }

    private static List<String> stubQueries(java.util.function.Predicate<String> which) {
        List<String> queries = new ArrayList<>();
        for (Object query : given().get(stubUrl() + "/stub/requests").then().statusCode(200)
                .extract().jsonPath().getList("$")) {
            if (which.test(query.toString())) {
                queries.add(query.toString());
            }
        }
        return queries;
    }

    /** Makes the stub answer the user's credential list with this status. */
    static void stubFailsForUser(String tenantId, String userId, int status) {
        given().contentType(ContentType.JSON).body(Map.of("tenantId", tenantId, "userId", userId, "status", status))
                .put(stubUrl() + "/stub/user-failures").then().statusCode(200);
    }

    /** The stub's recorded queries that asked for this user's credential list. */
    static List<String> stubUserQueriesFor(String userId) {
        String encoded = java.net.URLEncoder.encode(userId, StandardCharsets.UTF_8);
        return stubQueries(query -> query.endsWith("&userId=" + encoded));
    }
}
