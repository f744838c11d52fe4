package dev.countersign.challenge;

import static dev.countersign.challenge.ActionResourceTest.server;
import static dev.countersign.challenge.ActionResourceTest.user;
import static dev.countersign.challenge.PushChallengeTest.initiate;
import static dev.countersign.challenge.PushChallengeTest.trackedEnrolment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.challenge.replica.KeyReplicaStore;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.common.event.CredentialEvent;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * A credential credential-service has added is usable by the next request, before its event
 * reaches challenge-service: here no event is produced at all, only credential-service's stand-in
 * knows the credential, as it does the moment its add answered 200.
 */
@QuarkusTest
class ReadYourWritesTest {

    static final String TENANT = PushChallengeTest.TENANT;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    RedisDataSource redis;

    /** What credential-service holds the moment it answered the add: version 1, with its push address. */
    private static String addedAtCredentialService(String userId, SimulatedDevice phone, String pushToken) {
        String credentialId = UUID.randomUUID().toString();
        TestCredentials.stubAnswers(TENANT, PushChallengeTest.key(phone), "push", Map.of("credentialId", credentialId,
                "userId", userId, "version", 1, "devicePlatform", "android", "pushToken", pushToken));
        return credentialId;
    }

    private static String track(String userId) {
        return server().contentType(ContentType.JSON).body(Map.of())
                .post("/v1/users/{userId}/actions/{action}", userId, "signIn")
                .then().statusCode(200).extract().path("token");
    }

    private static JsonNode pushRequested(String challengeId) throws Exception {
        var record = ChallengeEventsTopic.awaitTypes(challengeId, ChallengeEvent.PUSH_REQUESTED).stream()
                .filter(r -> ChallengeEventsTopic.type(r).endsWith(ChallengeEvent.PUSH_REQUESTED))
                .findFirst().orElseThrow();
        return JSON.readTree(record.value());
    }

    @Test
    void pushInitiationBeforeTheCredentialEventTargetsTheCredentialCredentialServiceJustAdded() throws Exception {
        SimulatedDevice phone = PushChallengeTest.device(DeviceProfile.ANDROID_3_8);
        String userId = user();
        // Tracked before the add (the page's order), so the initiation itself must find the credential.
        String token = track(userId);
        String fcmToken = "fcm-token-" + UUID.randomUUID();
        String credentialId = addedAtCredentialService(userId, phone, fcmToken);

        String challengeId = initiate(token, Map.of("action", "signIn")).statusCode(200)
                .body("deliveryResults", equalTo(List.of(Map.of("userAuthenticatorId", credentialId))))
                .extract().path("challengeId");

        // The notifier is told where the device is, as if the event had brought the token.
        JsonNode targets = pushRequested(challengeId).get("targets");
        assertThat(targets).hasSize(1);
        assertThat(targets.get(0).get("credentialId").asText()).isEqualTo(credentialId);
        assertThat(targets.get(0).get("pushToken").asText()).isEqualTo(fcmToken);
        // The device fetches and approves it with no further lookup: the key entry was written too.
        DeviceResponse fetched = phone.getPushChallenge();
        assertThat(fetched.status()).as(fetched.toString()).isEqualTo(200);
        assertThat(fetched.text("challengeId")).isEqualTo(challengeId);
        DeviceResponse approved = phone.updateChallenge(CredentialKind.PUSH, challengeId, true, null);
        assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
        assertThat(approved.json().get("isVerified").asBoolean()).isTrue();
        assertThat(TestCredentials.stubQueriesFor(PushChallengeTest.key(phone))).isEmpty();
        // Asked once by the track (nothing then) and once by the initiation.
        assertThat(TestCredentials.stubUserQueriesFor(userId)).hasSize(2);
    }

    @Test
    void trackBeforeTheCredentialEventSaysEnrolled() {
        SimulatedDevice phone = PushChallengeTest.device(DeviceProfile.IOS_2_7);
        String userId = user();
        addedAtCredentialService(userId, phone, "0f".repeat(32));

        trackedEnrolment(userId).body("isEnrolled", equalTo(true))
                .body("enrolledVerificationMethods", equalTo(List.of("PUSH")));
    }

    @Test
    void secondDeviceNamedBeforeItsEventIsTargeted() {
        SimulatedDevice first = PushChallengeTest.device(DeviceProfile.ANDROID_3_8);
        SimulatedDevice second = PushChallengeTest.device(DeviceProfile.IOS_2_7);
        String userId = user();
        String firstId = UUID.randomUUID().toString();
        TestCredentials.produce(TestCredentials.event(CredentialEvent.ADDED, TENANT, firstId, 1, userId, "push",
                PushChallengeTest.key(first), Instant.now()));
        await().atMost(KeyReplicaTest.EVENT_WAIT).until(() -> trackedEnrolment(userId).extract()
                .<Boolean>path("isEnrolled"));
        String secondId = addedAtCredentialService(userId, second, "0e".repeat(32));

        initiate(track(userId), Map.of("action", "signIn", "userAuthenticatorId", secondId)).statusCode(200)
                .body("deliveryResults", equalTo(List.of(Map.of("userAuthenticatorId", secondId))));
    }

    @Test
    void userTheIndexKnowsIsNotAskedAbout() {
        SimulatedDevice phone = PushChallengeTest.device(DeviceProfile.ANDROID_3_8);
        String userId = user();
        String credentialId = UUID.randomUUID().toString();
        TestCredentials.produce(TestCredentials.event(CredentialEvent.ADDED, TENANT, credentialId, 1, userId, "push",
                PushChallengeTest.key(phone), Instant.now()));
        await().atMost(KeyReplicaTest.EVENT_WAIT).until(() -> redis.hash(String.class)
                .hget(KeyReplicaStore.userIndex(TENANT, userId), credentialId) != null);

        initiate(track(userId), Map.of("action", "signIn")).statusCode(200);
        trackedEnrolment(userId).body("isEnrolled", equalTo(true));
        assertThat(TestCredentials.stubUserQueriesFor(userId)).isEmpty();
    }

    @Test
    void removedCredentialIsNotBroughtBackByCredentialServicesOlderAnswer() {
        SimulatedDevice phone = PushChallengeTest.device(DeviceProfile.ANDROID_3_8);
        String userId = user();
        // credential-service's answer is stale: version 1, active; the removal event is version 2.
        String credentialId = addedAtCredentialService(userId, phone, "fcm-token-" + UUID.randomUUID());
        TestCredentials.produce(TestCredentials.event(CredentialEvent.REMOVED, TENANT, credentialId, 2, userId, "push",
                PushChallengeTest.key(phone), Instant.now()));
        await().atMost(KeyReplicaTest.EVENT_WAIT).until(() -> "1".equals(redis.hash(String.class).hget(
                KeyReplicaStore.keyEntry(TENANT, CredentialKind.PUSH, PushChallengeTest.key(phone).fingerprint()),
                "removed")));

        initiate(track(userId), Map.of("action", "signIn")).statusCode(404)
                .body("error", equalTo("invalid_credential"));
        trackedEnrolment(userId).body("isEnrolled", equalTo(false));
        // Asked, and its answer lost to the removal's version.
        assertThat(TestCredentials.stubUserQueriesFor(userId)).isNotEmpty();
        assertThat(redis.hash(String.class).hget(KeyReplicaStore.userIndex(TENANT, userId), credentialId))
                .startsWith("2:1:");
        DeviceResponse fetched = phone.getPushChallenge();
        assertThat(fetched.status()).isEqualTo(404);
    }

    @Test
    void credentialServiceFailingThenPushInitiationIsUnavailableAndTrackAnswersFromTheIndex() {
        String userId = user();
        TestCredentials.stubFailsForUser(TENANT, userId, 500);

        initiate(track(userId), Map.of("action", "signIn")).statusCode(503)
                .body("error", equalTo("service_unavailable"));
        trackedEnrolment(userId).body("isEnrolled", equalTo(false));
    }

    @Test
    void userCredentialServiceDoesNotKnowIsStillRefused() {
        String userId = user();
        initiate(track(userId), Map.of("action", "signIn")).statusCode(404)
                .body("error", equalTo("invalid_credential"))
                .body("errorDescription", equalTo("The user has no active push credential"));
        // Once by the track, once by the initiation: an empty answer is not remembered.
        assertThat(TestCredentials.stubUserQueriesFor(userId)).hasSize(2);
    }
}
