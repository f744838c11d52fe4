package dev.countersign.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.common.event.PushTarget;
import dev.countersign.common.token.Scopes;
import dev.countersign.credential.service.CredentialService;
import dev.countersign.testkit.EventTopics;
import dev.countersign.testkit.TestTenants;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Push delivery data on {@code credential-events} (platform and token) and the dead-token
 * marking from {@code delivery-events}, over the real Kafka and PostgreSQL.
 */
@QuarkusTest
class PushTokenTest extends CredentialTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    private String enrolWithToken(String userId, TestDeviceKey key, String platform, String token) {
        Map<String, Object> body = new LinkedHashMap<>(addBody(key));
        body.put("devicePlatform", platform);
        body.put("pushToken", token);
        return add("push", trackToken(userId, Scopes.ADD_AUTHENTICATORS), body).statusCode(200)
                .extract().path("userAuthenticatorId");
    }

    private static List<JsonNode> credentialEvents(String credentialId, int atLeast) {
        List<ConsumerRecord<String, String>> records = EventTopics.read(bootstrap(), "credential-events", credentialId,
                found -> found.size() >= atLeast, PATIENCE);
        return records.stream().map(r -> {
            try {
                return JSON.readTree(r.value());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void addedEventCarriesPlatformAndPushToken() {
        String token = "a1b2c3" + UUID.randomUUID().toString().replace("-", "");
        String id = enrolWithToken(newUser(), TestDeviceKey.generate(), "ios", token);

        JsonNode added = credentialEvents(id, 1).get(0);
        assertThat(added.get("type").asText()).isEqualTo("credential.added");
        assertThat(added.get("devicePlatform").asText()).isEqualTo("ios");
        assertThat(added.get("pushToken").asText()).isEqualTo(token);
    }

    @Test
    void sameKeyAddedAgainWithANewTokenStoresItAndAnnouncesAnUpdate() {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        String id = add("push", trackToken(user, Scopes.ADD_AUTHENTICATORS), addBody(key)).statusCode(200)
                .extract().path("userAuthenticatorId");

        String again = enrolWithToken(user, key, "android", "fcm:new-token");

        assertThat(again).isEqualTo(id);
        List<JsonNode> events = credentialEvents(id, 2);
        assertThat(events).hasSize(2);
        assertThat(events.get(1).get("type").asText()).isEqualTo("credential.updated");
        assertThat(events.get(1).get("version").asLong()).isEqualTo(2);
        assertThat(events.get(1).get("pushToken").asText()).isEqualTo("fcm:new-token");
        // The same token once more changes nothing.
        enrolWithToken(user, key, "android", "fcm:new-token");
        assertThat(count("select version from credential where id = $1", UUID.fromString(id))).isEqualTo(2);
    }

    @Test
    void sameKeyAddedAgainWithoutAddScopeAnswersTheCredentialButKeepsItsPushToken() {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        String id = enrolWithToken(user, key, "android", "fcm:victim");
        Map<String, Object> body = new LinkedHashMap<>(addBody(key));
        body.put("pushToken", "fcm:attacker");

        add("push", trackToken(user, Scopes.READ_AUTHENTICATORS), body).statusCode(200)
                .body("userAuthenticatorId", org.hamcrest.Matchers.equalTo(id));

        assertThat(count("select count(*) from credential where id = $1 and push_token = 'fcm:victim' and version = 1",
                UUID.fromString(id))).isEqualTo(1);
        // A scoped re-add afterwards (same key, same partition): its update is the only one on the topic.
        enrolWithToken(user, key, "android", "fcm:renewed");
        List<JsonNode> events = credentialEvents(id, 2);
        assertThat(events).extracting(e -> e.get("type").asText())
                .containsExactly("credential.added", "credential.updated");
        assertThat(events.get(1).get("pushToken").asText()).isEqualTo("fcm:renewed");
        assertThat(events.get(1).get("version").asLong()).isEqualTo(2);
    }

    @Test
    void unregisteredDeliveryClearsTheTokenOnceAndAnnouncesIt() {
        String token = "dead" + UUID.randomUUID().toString().replace("-", "");
        String id = enrolWithToken(newUser(), TestDeviceKey.generate(), "ios", token);
        String challengeId = UUID.randomUUID().toString();

        publishDelivery(challengeId, id, "unregistered", PushTarget.tokenSha256(token));

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                count("select count(*) from credential where id = $1 and push_token is null", UUID.fromString(id)))
                .isEqualTo(1));
        List<JsonNode> events = credentialEvents(id, 2);
        assertThat(events.get(1).get("type").asText()).isEqualTo("credential.updated");
        assertThat(events.get(1).get("pushToken").isNull()).isTrue();
        assertThat(events.get(1).get("devicePlatform").asText()).isEqualTo("ios");
        assertThat(count("select version from credential where id = $1", UUID.fromString(id))).isEqualTo(2);
    }

    @Test
    void otherStatusesAndAReplacedTokenAreLeftAlone() {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        String id = enrolWithToken(user, key, "android", "fcm:first");
        String challengeId = UUID.randomUUID().toString();

        publishDelivery(challengeId, id, "accepted", PushTarget.tokenSha256("fcm:first"));
        publishDelivery(challengeId, id, "failed", PushTarget.tokenSha256("fcm:first"));
        // Reported about a token the device no longer has.
        publishDelivery(challengeId, id, "unregistered", PushTarget.tokenSha256("fcm:older"));
        // Sentinel on the same key (same partition, consumed after the others).
        TestDeviceKey sentinelKey = TestDeviceKey.generate();
        String sentinel = enrolWithToken(newUser(), sentinelKey, "android", "fcm:sentinel");
        publishDelivery(challengeId, sentinel, "unregistered", PushTarget.tokenSha256("fcm:sentinel"));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(count(
                "select count(*) from credential where id = $1 and push_token is null", UUID.fromString(sentinel)))
                .isEqualTo(1));

        assertThat(count("select count(*) from credential where id = $1 and push_token = 'fcm:first' and version = 1",
                UUID.fromString(id))).isEqualTo(1);
    }

    private void publishDelivery(String challengeId, String credentialId, String status, String tokenSha256) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("eventId", UUID.randomUUID().toString());
        value.put("type", "delivery");
        value.put("tenantId", TestTenants.TENANT_ID);
        value.put("challengeId", challengeId);
        value.put("channel", "apns");
        value.put("credentialId", credentialId);
        value.put("attempt", 1);
        value.put("status", status);
        value.put("pushTokenSha256", tokenSha256);
        value.put("somethingNew", true);
        try {
            EventTopics.publish(bootstrap(), EventTopics.cloudEvent("delivery-events", null, challengeId,
                    (String) value.get("eventId"), "dev.countersign.delivery", "/countersign/notifier-service",
                    JSON.writeValueAsString(value)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
