package dev.countersign.challenge;

import static dev.countersign.challenge.ActionResourceTest.server;
import static dev.countersign.challenge.ActionResourceTest.user;
import static dev.countersign.challenge.ChallengeEventsTopic.awaitTypes;
import static dev.countersign.challenge.ChallengeEventsTopic.header;
import static dev.countersign.challenge.ChallengeEventsTopic.type;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.challenge.lifecycle.ChallengeStore;
import dev.countersign.challenge.lifecycle.ChallengeSweeper;
import dev.countersign.challenge.lifecycle.PendingIndex;
import dev.countersign.challenge.lifecycle.SweepStore;
import dev.countersign.challenge.limits.InitiationBudgetStore;
import dev.countersign.challenge.replica.KeyReplica;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.event.CredentialEvent;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.common.token.TokenType;
import dev.countersign.common.token.TokenVerifier;
import dev.countersign.testkit.SettableClock;
import dev.countersign.testkit.TestTenants;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** The push challenge's whole life over HTTP, real Redis and real Kafka, with SDK-exact devices. */
@QuarkusTest
class PushChallengeTest {

    static final String TENANT = TestTenants.TENANT_ID;
    static final CredentialKind PUSH = CredentialKind.PUSH;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KeyReplica replica;

    @Inject
    RedisDataSource redis;

    @Inject
    TokenVerifier verifier;

    @Inject
    SettableClock clock;

    @Inject
    ChallengeSweeper sweeper;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    // --- helpers ---------------------------------------------------------------------------------

    record Tracked(String userId, String token, String idempotencyKey, String verificationCode) {
    }

    /** These helpers (enrol, track, stored) on another test's beans. */
    static PushChallengeTest on(KeyReplica replica, RedisDataSource redis) {
        PushChallengeTest push = new PushChallengeTest();
        push.replica = replica;
        push.redis = redis;
        return push;
    }

    static String baseUrl() {
        return "http://localhost:" + RestAssured.port + "/v1";
    }

    static SimulatedDevice device(DeviceProfile profile) {
        return SimulatedDevice.create(profile, baseUrl(), TENANT);
    }

    /** Enrols the devices' push keys for the user as credential-service would announce them; answers their ids. */
    List<String> enrol(String userId, SimulatedDevice... devices) {
        List<String> ids = new ArrayList<>();
        List<CredentialEvent> events = new ArrayList<>();
        for (SimulatedDevice device : devices) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            events.add(TestCredentials.event(CredentialEvent.ADDED, TENANT, id, 1, userId, "push", key(device),
                    Instant.now()));
        }
        TestCredentials.produce(events.toArray(CredentialEvent[]::new));
        await().atMost(KeyReplicaTest.EVENT_WAIT).until(() -> replica.credentialIdsOf(TENANT, userId, PUSH)
                .await().indefinitely().size() == devices.length);
        return ids;
    }

    static DevicePublicKey key(SimulatedDevice device) {
        return DevicePublicKey.fromSpkiBase64(device.publicKey(PUSH)).orElseThrow();
    }

    Tracked track(String userId, String action, Map<String, Object> attributes) {
        var body = server().contentType(ContentType.JSON).body(attributes)
                .post("/v1/users/{userId}/actions/{action}", userId, action)
                .then().statusCode(200).extract().jsonPath();
        return new Tracked(userId, body.getString("token"), body.getString("idempotencyKey"),
                body.getString("verificationCode"));
    }

    Tracked track(String userId) {
        return track(userId, "signIn", Map.of("ipAddress", "203.0.113.42", "userAgent", "Mozilla/5.0 (browser)",
                "deviceId", "browser-device-1", "custom", Map.of("amount", 12.5, "vip", true)));
    }

    /**
     * Each initiation comes from its own browser address (the test's loopback peer is a trusted
     * proxy, as the edge is), so the per-address budget, tested in InitiationBudgetsTest, stays out of
     * these tests.
     */
    static ValidatableResponse initiate(String token, Object body) {
        var request = given().header("Authorization", "Bearer " + token)
                .header("X-Forwarded-For", InitiationBudgetsTest.address()); // a random /64: never another test's budget
        // No body at all, as a client that sends none: JSON by default, {} (decisions: empty body = {}).
        request = body == null ? request.noContentType() : request.contentType(ContentType.JSON).body(body);
        return request.post("/v1/client/challenge/push").then();
    }

    static String initiate(Tracked tracked) {
        return initiate(tracked.token(), Map.of("action", "signIn")).statusCode(200).extract().path("challengeId");
    }

    static ValidatableResponse poll(String token, String challengeId) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON)
                .body(Map.of("challengeId", challengeId)).post("/v1/client/verify/push").then();
    }

    /** Runs the calls on threads of their own, released together; answers their results in order. */
    static <T> List<T> allAtOnce(List<Callable<T>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> running = new ArrayList<>();
            for (Callable<T> call : calls) {
                running.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> result : running) {
                results.add(result.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    Map<String, String> stored(String challengeId) {
        return redis.hash(String.class).hgetall(ChallengeStore.key(challengeId));
    }

    static String actionState(Tracked tracked, String action) {
        return server().get("/v1/users/{userId}/actions/{action}/{key}", tracked.userId(), action,
                tracked.idempotencyKey()).then().statusCode(200).extract().path("state");
    }

    static JsonNode value(ConsumerRecord<String, String> record) {
        try {
            return JSON.readTree(record.value());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    // --- the whole flow --------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void approvedPushVerifiesTheBrowserAndSucceedsTheAction(DeviceProfile profile) {
        SimulatedDevice phone = device(profile);
        String userId = user();
        String credentialId = enrol(userId, phone).get(0);
        Tracked tracked = track(userId);

        String challengeId = initiate(tracked.token(), Map.of("action", "signIn")).statusCode(200)
                .contentType(ContentType.JSON)
                .body("$", not(hasKey("error")))
                .body("challengeId", matchesPattern("[0-9a-f-]{36}"))
                .body("deliveryResults", equalTo(List.of(Map.of("userAuthenticatorId", credentialId))))
                .extract().path("challengeId");
        poll(tracked.token(), challengeId).statusCode(200)
                .body("isConsumed", equalTo(false)).body("isVerified", equalTo(false))
                .body("$", not(hasKey("accessToken"))).body("$", not(hasKey("error")));

        DeviceResponse fetched = phone.getPushChallenge();
        assertThat(fetched.status()).as(fetched.toString()).isEqualTo(200);
        assertThat(fetched.text("userAuthenticatorId")).isEqualTo(credentialId);
        assertThat(fetched.text("challengeId")).isEqualTo(challengeId);
        assertThat(fetched.text("userId")).isEqualTo(userId);
        assertThat(fetched.text("actionCode")).isEqualTo("signIn");
        assertThat(fetched.text("idempotencyKey")).isEqualTo(tracked.idempotencyKey());
        assertThat(fetched.text("ipAddress")).isEqualTo("203.0.113.42");
        assertThat(fetched.text("userAgent")).isEqualTo("Mozilla/5.0 (browser)");
        assertThat(fetched.text("deviceId")).isEqualTo("browser-device-1");
        assertThat(fetched.json().get("custom").get("amount").asDouble()).isEqualTo(12.5);
        assertThat(fetched.json().get("custom").get("vip").asBoolean()).isTrue();
        assertThat(fetched.json().get("expiresAt").isIntegralNumber()).isTrue();
        assertThat(fetched.json().get("expiresAt").asLong())
                .isBetween(Instant.now().plusSeconds(290).getEpochSecond(), Instant.now().plusSeconds(301).getEpochSecond());
        assertThat(fetched.json().has("verificationCodeChoices")).isFalse();
        assertThat(fetched.json().has("error")).isFalse();

        DeviceResponse approved = phone.updateChallenge(PUSH, challengeId, true, null);
        assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
        assertThat(approved.json().get("isVerified").asBoolean()).isTrue();
        assertThat(stored(challengeId)).containsEntry("state", "approved").containsEntry("credentialId", credentialId)
                .containsEntry("version", "2");

        String accessToken = poll(tracked.token(), challengeId).statusCode(200)
                .body("isConsumed", equalTo(true)).body("isVerified", equalTo(true))
                .extract().path("accessToken");
        TokenClaims claims = verifier.verify(accessToken);
        assertThat(claims.type()).isEqualTo(TokenType.ACCESS);
        assertThat(claims.userId()).isEqualTo(userId);
        assertThat(claims.actionCode()).isEqualTo("signIn");
        assertThat(claims.idempotencyKey()).isEqualTo(tracked.idempotencyKey());

        server().contentType(ContentType.JSON).body(Map.of("token", accessToken, "action", "signIn"))
                .post("/v1/validate").then().statusCode(200)
                .body("isValid", equalTo(true)).body("state", equalTo("CHALLENGE_SUCCEEDED"))
                .body("userId", equalTo(userId)).body("verificationMethod", equalTo("PUSH"));
        assertThat(actionState(tracked, "signIn")).isEqualTo("CHALLENGE_SUCCEEDED");
        assertThat(UserActionsTest.list(userId, "").getList("verifiedByAuthenticatorId")).containsExactly(credentialId);

        // Answered: the device sees no challenge any more, only its credential.
        DeviceResponse after = phone.getPushChallenge();
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.text("userAuthenticatorId")).isEqualTo(credentialId);
        assertThat(after.json().has("challengeId")).isFalse();
        assertThat(after.json().has("userId")).isFalse();

        List<ConsumerRecord<String, String>> events = awaitTypes(challengeId, "challenge.created", "push.requested",
                "challenge.approved");
        for (ConsumerRecord<String, String> record : events) {
            assertThat(header(record, "ce_source")).isEqualTo("/countersign/challenge-service");
            assertThat(header(record, "ce_subject")).isEqualTo(challengeId);
            assertThat(header(record, "ce_id")).isEqualTo(value(record).get("eventId").asText());
            assertThat(record.value()).doesNotContain(tracked.token()).doesNotContain(accessToken)
                    .doesNotContain("verificationCode").doesNotContain("accessToken");
            assertThat(value(record).get("tenantId").asText()).isEqualTo(TENANT);
            assertThat(value(record).get("targetCredentialIds")).hasSize(1);
        }
        JsonNode pushRequested = events.stream().filter(r -> type(r).endsWith("push.requested")).map(PushChallengeTest::value)
                .findFirst().orElseThrow();
        assertThat(pushRequested.get("targetCredentialIds").get(0).asText()).isEqualTo(credentialId);
        assertThat(pushRequested.get("ipAddress").asText()).isEqualTo("203.0.113.42");
        assertThat(pushRequested.get("custom").get("vip").asBoolean()).isTrue();
        JsonNode approvedEvent = events.stream().filter(r -> type(r).endsWith("challenge.approved"))
                .map(PushChallengeTest::value).findFirst().orElseThrow();
        assertThat(approvedEvent.get("credentialId").asText()).isEqualTo(credentialId);
        assertThat(approvedEvent.get("version").asLong()).isEqualTo(2);
        assertThat(approvedEvent.get("kind").asText()).isEqualTo("push");
    }

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void rejectedPushDeclinesTheBrowserAndFailsTheAction(DeviceProfile profile) {
        SimulatedDevice phone = device(profile);
        String userId = user();
        String credentialId = enrol(userId, phone).get(0);
        Tracked tracked = track(userId);
        String challengeId = initiate(tracked);

        DeviceResponse rejected = phone.updateChallenge(PUSH, challengeId, false, null);
        assertThat(rejected.status()).as(rejected.toString()).isEqualTo(200);
        assertThat(rejected.json().get("isVerified").asBoolean()).isFalse();
        assertThat(stored(challengeId)).containsEntry("state", "rejected").containsEntry("credentialId", credentialId);

        poll(tracked.token(), challengeId).statusCode(200)
                .body("isConsumed", equalTo(true)).body("isVerified", equalTo(false))
                .body("$", not(hasKey("accessToken")));
        server().contentType(ContentType.JSON).body(Map.of("token", tracked.token())).post("/v1/validate")
                .then().statusCode(200).body("isValid", equalTo(false)).body("state", equalTo("CHALLENGE_FAILED"));
        assertThat(actionState(tracked, "signIn")).isEqualTo("CHALLENGE_FAILED");
        // A rejection verified nothing: no verifying credential is named.
        assertThat(UserActionsTest.list(userId, "").getString("[0].verifiedByAuthenticatorId")).isNull();

        JsonNode event = awaitTypes(challengeId, "challenge.rejected").stream()
                .filter(r -> type(r).endsWith("challenge.rejected")).map(PushChallengeTest::value).findFirst().orElseThrow();
        assertThat(event.get("credentialId").asText()).isEqualTo(credentialId);

        // The action has its result: no second push for it.
        initiate(tracked.token(), null).statusCode(409).body("error", equalTo("challenge_already_answered"));
    }

    // --- number matching -------------------------------------------------------------------------

    record CodeChallenge(SimulatedDevice phone, Tracked tracked, String challengeId) {
    }

    /** A push challenge that needs the number-matching code, for a new user's enrolled device. */
    CodeChallenge codeChallenge(DeviceProfile profile) {
        SimulatedDevice phone = device(profile);
        String userId = user();
        enrol(userId, phone);
        Tracked tracked = track(userId, "payment", Map.of("verificationCode", true));
        String challengeId = initiate(tracked.token(), null).statusCode(200).extract().path("challengeId");
        return new CodeChallenge(phone, tracked, challengeId);
    }

    @Test
    void numberMatchingApprovalWithTheRightCodePasses() {
        SimulatedDevice phone = device(DeviceProfile.ANDROID_3_8);
        String userId = user();
        enrol(userId, phone);
        Tracked tracked = track(userId, "payment", Map.of("verificationCode", true));
        assertThat(tracked.verificationCode()).matches("[1-9][0-9]");
        String challengeId = initiate(tracked.token(), Map.of()).statusCode(200).extract().path("challengeId");

        DeviceResponse fetched = phone.getPushChallenge();
        List<String> choices = new ArrayList<>();
        fetched.json().get("verificationCodeChoices").forEach(choice -> choices.add(choice.asText()));
        assertThat(choices).hasSize(3).doesNotHaveDuplicates().contains(tracked.verificationCode())
                .allMatch(choice -> choice.matches("[0-9]{2}"));
        // Fixed per challenge: fetching again shows the same three, so repeated fetches reveal nothing.
        List<String> again = new ArrayList<>();
        phone.getPushChallenge().json().get("verificationCodeChoices").forEach(choice -> again.add(choice.asText()));
        assertThat(again).isEqualTo(choices);

        DeviceResponse withoutCode = phone.updateChallenge(PUSH, challengeId, true, null);
        assertThat(withoutCode.status()).isEqualTo(400);
        assertThat(withoutCode.text("error")).isEqualTo("invalid_request");
        assertThat(stored(challengeId)).containsEntry("state", "pending").containsEntry("wrongCodes", "0");

        DeviceResponse approved = phone.updateChallenge(PUSH, challengeId, true, tracked.verificationCode());
        assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
        assertThat(approved.json().get("isVerified").asBoolean()).isTrue();
        poll(tracked.token(), challengeId).statusCode(200).body("isVerified", equalTo(true));

        for (ConsumerRecord<String, String> record : awaitTypes(challengeId, "challenge.created", "push.requested",
                "challenge.approved")) {
            assertThat(record.value()).doesNotContain("verificationCode").doesNotContain("codeChoices");
        }
    }

    @Test
    void numberMatchingWrongTypedCodesAreRefusedAndTheThirdBurnsTheChallenge() {
        CodeChallenge started = codeChallenge(DeviceProfile.IOS_2_7);
        SimulatedDevice phone = started.phone();
        Tracked tracked = started.tracked();
        String challengeId = started.challengeId();
        // A mistyped code: none of the offered choices.
        List<String> choices = List.of(stored(challengeId).get("codeChoices").split(" "));
        String wrong = java.util.stream.IntStream.rangeClosed(10, 99).mapToObj(Integer::toString)
                .filter(code -> !choices.contains(code)).findFirst().orElseThrow();

        DeviceResponse first = phone.updateChallenge(PUSH, challengeId, true, wrong);
        assertThat(first.status()).isEqualTo(400);
        assertThat(first.text("errorDescription")).contains("2 tries left");
        assertThat(stored(challengeId)).containsEntry("state", "pending").containsEntry("wrongCodes", "1")
                .containsEntry("version", "1");
        DeviceResponse second = phone.updateChallenge(PUSH, challengeId, true, wrong);
        assertThat(second.status()).isEqualTo(400);
        assertThat(second.text("errorDescription")).contains("1 try left");

        DeviceResponse third = phone.updateChallenge(PUSH, challengeId, true, wrong);
        assertThat(third.status()).isEqualTo(410);
        assertThat(third.text("error")).isEqualTo("challenge_expired");
        assertThat(stored(challengeId)).containsEntry("state", "burned").containsEntry("wrongCodes", "3")
                .doesNotContainKey("credentialId");

        // Burned for good: the right code, the browser's poll and the device's fetch all see it over.
        DeviceResponse right = phone.updateChallenge(PUSH, challengeId, true, tracked.verificationCode());
        assertThat(right.status()).isEqualTo(410);
        poll(tracked.token(), challengeId).statusCode(410).body("error", equalTo("challenge_expired"));
        assertThat(phone.getPushChallenge().json().has("challengeId")).isFalse();
        assertThat(actionState(tracked, "payment")).isEqualTo("CHALLENGE_REQUIRED");
        awaitTypes(challengeId, "challenge.expired");
    }

    @Test
    void numberMatchingWrongChoiceBurnsTheChallengeAtOnce() {
        CodeChallenge started = codeChallenge(DeviceProfile.ANDROID_3_8);
        SimulatedDevice phone = started.phone();
        Tracked tracked = started.tracked();
        String challengeId = started.challengeId();
        List<String> choices = new ArrayList<>();
        phone.getPushChallenge().json().get("verificationCodeChoices").forEach(choice -> choices.add(choice.asText()));
        String wrongChoice = choices.stream().filter(code -> !code.equals(tracked.verificationCode())).findFirst()
                .orElseThrow();

        // Trying the offered choices in turn would find the right one: the first wrong one ends it.
        DeviceResponse first = phone.updateChallenge(PUSH, challengeId, true, wrongChoice);
        assertThat(first.status()).as(first.toString()).isEqualTo(410);
        assertThat(first.text("error")).isEqualTo("challenge_expired");
        assertThat(stored(challengeId)).containsEntry("state", "burned").containsEntry("wrongCodes", "1")
                .doesNotContainKey("credentialId");
        DeviceResponse right = phone.updateChallenge(PUSH, challengeId, true, tracked.verificationCode());
        assertThat(right.status()).isEqualTo(410);
        poll(tracked.token(), challengeId).statusCode(410).body("error", equalTo("challenge_expired"));
        assertThat(actionState(tracked, "payment")).isEqualTo("CHALLENGE_REQUIRED");
        awaitTypes(challengeId, "challenge.expired");
    }

    @Test
    void rejectionNeedsNoVerificationCode() {
        CodeChallenge started = codeChallenge(DeviceProfile.ANDROID_3_8);
        SimulatedDevice phone = started.phone();
        Tracked tracked = started.tracked();
        String challengeId = started.challengeId();
        DeviceResponse rejected = phone.updateChallenge(PUSH, challengeId, false, null);
        assertThat(rejected.status()).as(rejected.toString()).isEqualTo(200);
        assertThat(rejected.json().get("isVerified").asBoolean()).isFalse();
    }

    @Test
    void retrackAnswersTheSameVerificationCode() {
        String userId = user();
        String key = UUID.randomUUID().toString();
        Tracked first = track(userId, "payment", Map.of("verificationCode", true, "idempotencyKey", key));
        Tracked second = track(userId, "payment", Map.of("verificationCode", true, "idempotencyKey", key));
        assertThat(second.verificationCode()).isEqualTo(first.verificationCode());
        server().contentType(ContentType.JSON).body(Map.of()).post("/v1/users/{userId}/actions/signIn", userId)
                .then().statusCode(200).body("$", not(hasKey("verificationCode")));
    }

    // --- refused answers leave the challenge as it was ---------------------------------------------

    @Test
    void replayedApprovalIsConflictAndChangesNothing() {
        SimulatedDevice phone = device(DeviceProfile.ANDROID_3_8);
        String userId = user();
        String credentialId = enrol(userId, phone).get(0);
        String challengeId = initiate(track(userId));
        DeviceResponse approved = phone.updateChallenge(PUSH, challengeId, true, null);
        assertThat(approved.status()).isEqualTo(200);

        // The same request again, byte for byte.
        DeviceResponse replay = phone.postRaw("/client/user-authenticators/push/challenge",
                phone.basicAuthorization(), approved.request().body());
        assertThat(replay.status()).isEqualTo(409);
        assertThat(replay.text("error")).isEqualTo("challenge_already_answered");
        DeviceResponse reject = phone.updateChallenge(PUSH, challengeId, false, null);
        assertThat(reject.status()).isEqualTo(409);
        assertThat(stored(challengeId)).containsEntry("state", "approved").containsEntry("version", "2")
                .containsEntry("credentialId", credentialId);
    }

    @Test
    void approvalAfterTheDeadlineIsGoneAndChangesNothing() {
        SimulatedDevice phone = device(DeviceProfile.IOS_2_7);
        String userId = user();
        enrol(userId, phone);
        Tracked tracked = track(userId);
        String challengeId = initiate(tracked);

        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        DeviceResponse late = phone.updateChallenge(PUSH, challengeId, true, null);
        assertThat(late.status()).isEqualTo(410);
        assertThat(late.text("error")).isEqualTo("challenge_expired");
        assertThat(stored(challengeId)).doesNotContainKey("credentialId")
                .hasEntrySatisfying("state", state -> assertThat(state).isIn("pending", "expired"));
        poll(tracked.token(), challengeId).statusCode(410);
        assertThat(phone.getPushChallenge().json().has("challengeId")).isFalse();
        assertThat(actionState(tracked, "signIn")).isEqualTo("CHALLENGE_REQUIRED");
    }

    @Test
    void sweeperExpiresThePendingChallengeAndEmitsChallengeExpiredOnce() {
        SimulatedDevice phone = device(DeviceProfile.ANDROID_3_8);
        String userId = user();
        enrol(userId, phone);
        Tracked tracked = track(userId);
        String challengeId = initiate(tracked);
        assertThat(redis.sortedSet(String.class).zscore(SweepStore.DEADLINES, challengeId)).isPresent();

        clock.advance(Duration.ofMinutes(6));
        await().atMost(Duration.ofSeconds(15)).until(() -> "expired".equals(stored(challengeId).get("state")));
        assertThat(stored(challengeId)).containsEntry("version", "2");
        assertThat(redis.sortedSet(String.class).zscore(SweepStore.DEADLINES, challengeId)).isEmpty();
        assertThat(sweeper.sweep().await().indefinitely()).isZero();

        List<ConsumerRecord<String, String>> events = awaitTypes(challengeId, "challenge.expired");
        assertThat(events.stream().filter(r -> type(r).endsWith("challenge.expired")).count()).isEqualTo(1);
        JsonNode expired = events.stream().filter(r -> type(r).endsWith("challenge.expired"))
                .map(PushChallengeTest::value).findFirst().orElseThrow();
        assertThat(expired.get("version").asLong()).isEqualTo(2);
        assertThat(expired.get("userId").asText()).isEqualTo(userId);
        assertThat(phone.updateChallenge(PUSH, challengeId, true, null).status()).isEqualTo(410);

        // Its place is free again: the user may get a new push for the action.
        clock.reset();
        initiate(tracked.token(), null).statusCode(200);
    }

    @Test
    void anotherUsersDeviceCannotAnswerAndLearnsNothing() {
        SimulatedDevice phone = device(DeviceProfile.ANDROID_3_8);
        SimulatedDevice stranger = device(DeviceProfile.ANDROID_3_8);
        String userId = user();
        enrol(userId, phone);
        enrol(user(), stranger);
        String challengeId = initiate(track(userId));

        DeviceResponse answer = stranger.updateChallenge(PUSH, challengeId, true, null);
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.text("error")).isEqualTo("not_found");
        assertThat(stranger.getPushChallenge().json().has("challengeId")).isFalse();
        assertThat(stored(challengeId)).containsEntry("state", "pending").containsEntry("version", "1");
    }

    @Test
    void signatureOverAnotherStringIsUnauthorized() {
        SimulatedDevice phone = device(DeviceProfile.IOS_2_7);
        String userId = user();
        enrol(userId, phone);
        String challengeId = initiate(track(userId));

        DeviceResponse answer = phone.updateChallengeWithSignature(PUSH, challengeId, true, null,
                phone.sign(PUSH, challengeId + "x"));
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.text("error")).isEqualTo("unauthorized");
        // Another key's signature of the right string is no better.
        DeviceResponse otherKey = phone.updateChallengeWithSignature(PUSH, challengeId, true, null,
                device(DeviceProfile.IOS_2_7).sign(PUSH, challengeId));
        assertThat(otherKey.status()).isEqualTo(401);
        assertThat(stored(challengeId)).containsEntry("state", "pending").containsEntry("version", "1");
    }

    @Test
    void secondDeviceAfterTheFirstAnsweredIsConflict() {
        SimulatedDevice phone = device(DeviceProfile.ANDROID_3_8);
        SimulatedDevice tablet = device(DeviceProfile.IOS_2_7);
        String userId = user();
        List<String> ids = enrol(userId, phone, tablet);
        Tracked tracked = track(userId);
        List<String> targets = initiate(tracked.token(), null).statusCode(200)
                .extract().jsonPath().getList("deliveryResults.userAuthenticatorId");
        assertThat(targets).containsExactlyInAnyOrderElementsOf(ids);
        String challengeId = tablet.getPushChallenge().text("challengeId");
        assertThat(phone.getPushChallenge().text("challengeId")).isEqualTo(challengeId);

        assertThat(phone.updateChallenge(PUSH, challengeId, true, null).status()).isEqualTo(200);
        DeviceResponse late = tablet.updateChallenge(PUSH, challengeId, false, null);
        assertThat(late.status()).isEqualTo(409);
        assertThat(stored(challengeId)).containsEntry("state", "approved").containsEntry("credentialId", ids.get(0));
    }

    @Test
    void fiftySimultaneousApprovalsFromTheUsersDevicesHaveOneWinner() throws Exception {
        String userId = user();
        SimulatedDevice[] devices = new SimulatedDevice[50];
        for (int i = 0; i < devices.length; i++) {
            devices[i] = device(i % 2 == 0 ? DeviceProfile.ANDROID_3_8 : DeviceProfile.IOS_2_7);
        }
        List<String> ids = enrol(userId, devices);
        Tracked tracked = track(userId);
        String challengeId = initiate(tracked);
        assertThat(stored(challengeId).get("targets").split(" ")).containsExactlyInAnyOrderElementsOf(ids);

        List<Callable<Integer>> answers = new ArrayList<>();
        for (SimulatedDevice device : devices) {
            answers.add(() -> device.updateChallenge(PUSH, challengeId, true, null).status());
        }
        Map<Integer, Integer> statuses = new HashMap<>();
        for (int status : allAtOnce(answers)) {
            statuses.merge(status, 1, Integer::sum);
        }
        assertThat(statuses).isEqualTo(Map.of(200, 1, 409, 49));
        assertThat(stored(challengeId)).containsEntry("state", "approved").containsEntry("version", "2");
        String winner = stored(challengeId).get("credentialId");
        assertThat(ids).contains(winner);
        List<ConsumerRecord<String, String>> events = awaitTypes(challengeId, "challenge.approved");
        List<JsonNode> approvals = events.stream().filter(r -> type(r).endsWith("challenge.approved"))
                .map(PushChallengeTest::value).toList();
        assertThat(approvals).hasSize(1);
        assertThat(approvals.get(0).get("credentialId").asText()).isEqualTo(winner);
        assertThat(actionState(tracked, "signIn")).isEqualTo("CHALLENGE_SUCCEEDED");
    }

    // --- initiation --------------------------------------------------------------------------------

    @Test
    void secondPushSupersedesTheFirstWhichEndsForBrowserDeviceAndEvents() {
        SimulatedDevice phone = device(DeviceProfile.ANDROID_3_8);
        String userId = user();
        String credentialId = enrol(userId, phone).get(0);
        Tracked tracked = track(userId);
        String first = initiate(tracked);
        assertThat(phone.getPushChallenge().text("challengeId")).isEqualTo(first);

        // The sign-in page reloaded: the same track token asks again.
        String second = initiate(tracked);

        assertThat(second).isNotEqualTo(first);
        assertThat(stored(first)).containsEntry("state", "superseded").containsEntry("version", "2")
                .containsEntry("supersededBy", second).containsKey("endedAt").doesNotContainKey("credentialId");
        assertThat(stored(second)).containsEntry("state", "pending").containsEntry("version", "1");
        assertThat(redis.sortedSet(String.class).zrange(PendingIndex.key(TENANT, userId), 0, -1))
                .containsExactly(second);
        // The old browser learns it is over (as for an expiry: over without a decision, not declined).
        poll(tracked.token(), first).statusCode(410).body("error", equalTo("challenge_expired"))
                .body("errorCode", equalTo("challenge_expired"));
        poll(tracked.token(), second).statusCode(200).body("isConsumed", equalTo(false));
        // The device sees only the new one, and an answer to the old one is refused like a late one.
        DeviceResponse fetched = phone.getPushChallenge();
        assertThat(fetched.text("challengeId")).isEqualTo(second);
        assertThat(fetched.text("userAuthenticatorId")).isEqualTo(credentialId);
        DeviceResponse late = phone.updateChallenge(PUSH, first, true, null);
        assertThat(late.status()).as(late.toString()).isEqualTo(410);
        assertThat(late.text("error")).isEqualTo("challenge_expired");
        assertThat(phone.updateChallenge(PUSH, first, false, null).status()).isEqualTo(410);
        assertThat(stored(first)).containsEntry("state", "superseded").containsEntry("version", "2");
        assertThat(actionState(tracked, "signIn")).isEqualTo("CHALLENGE_REQUIRED");

        assertThat(phone.updateChallenge(PUSH, second, true, null).status()).isEqualTo(200);
        poll(tracked.token(), second).statusCode(200).body("isVerified", equalTo(true));
        poll(tracked.token(), first).statusCode(410);
        assertThat(actionState(tracked, "signIn")).isEqualTo("CHALLENGE_SUCCEEDED");

        List<ConsumerRecord<String, String>> events = awaitTypes(first, "challenge.created", "push.requested",
                "challenge.superseded");
        List<ConsumerRecord<String, String>> superseded = events.stream()
                .filter(r -> type(r).endsWith("challenge.superseded")).toList();
        assertThat(superseded).hasSize(1);
        assertThat(header(superseded.get(0), "ce_type")).isEqualTo("dev.countersign.challenge.superseded");
        assertThat(header(superseded.get(0), "ce_source")).isEqualTo("/countersign/challenge-service");
        assertThat(header(superseded.get(0), "ce_subject")).isEqualTo(first);
        JsonNode event = value(superseded.get(0));
        assertThat(event.get("type").asText()).isEqualTo("challenge.superseded");
        assertThat(event.get("version").asLong()).isEqualTo(2);
        assertThat(event.get("kind").asText()).isEqualTo("push");
        assertThat(event.get("userId").asText()).isEqualTo(userId);
        assertThat(event.get("credentialId").isNull()).isTrue();
        assertThat(events).noneMatch(r -> type(r).endsWith("challenge.approved") || type(r).endsWith("challenge.expired"));
        assertThat(awaitTypes(second, "challenge.approved")).noneMatch(r -> type(r).endsWith("challenge.superseded"));
        // Once ended, the sweeper leaves it as it is: no expiry follows the supersession.
        clock.advance(Duration.ofMinutes(6));
        await().atMost(Duration.ofSeconds(15)).until(() -> redis.sortedSet(String.class)
                .zscore(SweepStore.DEADLINES, first).isEmpty());
        assertThat(stored(first)).containsEntry("state", "superseded").containsEntry("version", "2");
    }

    @Test
    void pushFromASecondTabSupersedesThePushOfTheFirstTab() {
        SimulatedDevice phone = device(DeviceProfile.IOS_2_7);
        String userId = user();
        enrol(userId, phone);
        Tracked firstTab = track(userId);
        Tracked secondTab = track(userId, "payment", Map.of());
        String first = initiate(firstTab);

        String second = initiate(secondTab.token(), null).statusCode(200).extract().path("challengeId");

        poll(firstTab.token(), first).statusCode(410).body("error", equalTo("challenge_expired"));
        assertThat(phone.getPushChallenge().text("challengeId")).isEqualTo(second);
        assertThat(phone.updateChallenge(PUSH, first, true, null).status()).isEqualTo(410);
        assertThat(phone.updateChallenge(PUSH, second, true, null).status()).isEqualTo(200);
        assertThat(actionState(secondTab, "payment")).isEqualTo("CHALLENGE_SUCCEEDED");
        // The first tab's action may still get a challenge of its own.
        assertThat(actionState(firstTab, "signIn")).isEqualTo("CHALLENGE_REQUIRED");
        initiate(firstTab.token(), null).statusCode(200);
    }

    @Test
    void concurrentInitiationsForOneUserLeaveExactlyOnePending() throws Exception {
        SimulatedDevice phone = device(DeviceProfile.ANDROID_3_8);
        String userId = user();
        enrol(userId, phone);
        int tabs = 6;
        List<Tracked> tracked = new ArrayList<>();
        for (int i = 0; i < tabs; i++) {
            tracked.add(track(userId));
        }
        List<Callable<String>> initiations = new ArrayList<>();
        for (Tracked tab : tracked) {
            initiations.add(() -> initiate(tab));
        }
        List<String> ids = allAtOnce(initiations);

        List<String> pendingIds = ids.stream().filter(id -> "pending".equals(stored(id).get("state"))).toList();
        assertThat(pendingIds).hasSize(1);
        String survivor = pendingIds.get(0);
        assertThat(ids).filteredOn(id -> !id.equals(survivor))
                .allSatisfy(id -> assertThat(stored(id)).containsEntry("state", "superseded"));
        assertThat(redis.sortedSet(String.class).zrange(PendingIndex.key(TENANT, userId), 0, -1))
                .containsExactly(survivor);
        assertThat(phone.getPushChallenge().text("challengeId")).isEqualTo(survivor);
        for (String id : ids) {
            if (!id.equals(survivor)) {
                assertThat(awaitTypes(id, "challenge.superseded")
                        .stream().filter(r -> type(r).endsWith("challenge.superseded")).count()).isEqualTo(1);
            }
        }
    }

    @Test
    void approvedPushesBeyondTheUserBudgetAllSucceed() {
        SimulatedDevice phone = device(DeviceProfile.ANDROID_3_8);
        String userId = user();
        enrol(userId, phone);
        // The user budget is 10 per window (countersign.challenge.limits.user-pushes).
        for (int i = 0; i < 13; i++) {
            Tracked tracked = track(userId);
            String challengeId = initiate(tracked);
            assertThat(phone.updateChallenge(PUSH, challengeId, true, null).status()).isEqualTo(200);
            poll(tracked.token(), challengeId).statusCode(200).body("isVerified", equalTo(true));
        }
        assertThat(redis.sortedSet(String.class).zcard(InitiationBudgetStore.userBudgetKey(TENANT, userId))).isZero();
    }

    @Test
    void rejectedPushesStillCountAndPauseTheUser() {
        SimulatedDevice phone = device(DeviceProfile.IOS_2_7);
        String userId = user();
        enrol(userId, phone);
        String rejected = initiate(track(userId));
        assertThat(phone.updateChallenge(PUSH, rejected, false, null).status()).isEqualTo(200);

        initiate(track(userId).token(), null).statusCode(429).body("error", equalTo("too_many_requests"))
                .body("errorDescription", containsString("paused")).header("Retry-After", "30");
        assertThat(redis.sortedSet(String.class).zrange(InitiationBudgetStore.userBudgetKey(TENANT, userId), 0, -1))
                .containsExactly(rejected);

        // After the back-off, superseded pushes keep counting too: the budget still ends the bombing.
        clock.advance(Duration.ofSeconds(30));
        for (int i = 0; i < 9; i++) {
            initiate(track(userId));
        }
        initiate(track(userId).token(), null).statusCode(429)
                .body("errorDescription", equalTo("Too many push challenges for this user"));
        assertThat(redis.sortedSet(String.class).zcard(InitiationBudgetStore.userBudgetKey(TENANT, userId)))
                .isEqualTo(10);
    }

    @Test
    void initiationRefusals() {
        SimulatedDevice phone = device(DeviceProfile.ANDROID_3_8);
        String userId = user();
        enrol(userId, phone);
        Tracked tracked = track(userId);

        initiate(tracked.token(), Map.of("action", "payment")).statusCode(400).body("error", equalTo("invalid_request"));
        initiate(tracked.token(), Map.of("userAuthenticatorId", UUID.randomUUID().toString())).statusCode(404)
                .body("error", equalTo("invalid_credential"));
        String strangersCredential = enrol(user(), device(DeviceProfile.IOS_2_7)).get(0);
        initiate(tracked.token(), Map.of("userAuthenticatorId", strangersCredential)).statusCode(404)
                .body("error", equalTo("invalid_credential"));
        initiate(track(user()).token(), null).statusCode(404).body("error", equalTo("invalid_credential"))
                .body("errorDescription", containsString("no active push credential"));
        given().header("Authorization", TestTenants.serverAuthorization(TestTenants.SECRET_KEY)).noContentType()
                .post("/v1/client/challenge/push").then().statusCode(401);
        given().contentType(ContentType.JSON).body("{\"action\": 5}").header("Authorization", "Bearer " + tracked.token())
                .post("/v1/client/challenge/push").then().statusCode(400);
        Tracked allowed = track(userId, "allowedAction", Map.of());
        initiate(allowed.token(), null).statusCode(400).body("errorDescription", containsString("ALLOW"));
        assertThat(redis.sortedSet(String.class).zcard(PendingIndex.key(TENANT, userId))).isZero();

        // The one credential asked for is the only target.
        List<String> ids = enrol(userId + "-2", device(DeviceProfile.ANDROID_3_8), device(DeviceProfile.IOS_2_7));
        Tracked two = track(userId + "-2");
        initiate(two.token(), Map.of("userAuthenticatorId", ids.get(1))).statusCode(200)
                .body("deliveryResults", equalTo(List.of(Map.of("userAuthenticatorId", ids.get(1)))));
    }

    @Test
    void accessTokenCannotInitiateOrPoll() {
        SimulatedDevice phone = device(DeviceProfile.ANDROID_3_8);
        String userId = user();
        enrol(userId, phone);
        Tracked tracked = track(userId);
        String challengeId = initiate(tracked);
        phone.updateChallenge(PUSH, challengeId, true, null);
        String accessToken = poll(tracked.token(), challengeId).statusCode(200).extract().path("accessToken");
        initiate(accessToken, null).statusCode(403).body("error", equalTo("insufficient_scope"));
        poll(accessToken, challengeId).statusCode(403);
    }

    @Test
    void pollOfAnotherUsersOrActionsChallengeIsNotFound() {
        SimulatedDevice phone = device(DeviceProfile.ANDROID_3_8);
        String userId = user();
        enrol(userId, phone);
        String challengeId = initiate(track(userId));

        poll(track(user()).token(), challengeId).statusCode(404).body("error", equalTo("not_found"));
        poll(track(userId, "payment", Map.of()).token(), challengeId).statusCode(404);
        poll(track(userId).token(), UUID.randomUUID().toString()).statusCode(404);
        given().header("Authorization", "Bearer " + track(userId).token()).contentType(ContentType.JSON).body("{}")
                .post("/v1/client/verify/push").then().statusCode(400).body("error", equalTo("invalid_request"));
    }

    // --- device fetch --------------------------------------------------------------------------------

    @Test
    void fetchWithUnknownOrUndecodableKeyIsRefused() {
        SimulatedDevice unknown = device(DeviceProfile.ANDROID_3_8);
        DeviceResponse fetched = unknown.getPushChallenge();
        assertThat(fetched.status()).isEqualTo(404);
        assertThat(fetched.text("error")).isEqualTo("invalid_credential");
        DeviceResponse garbage = unknown.get("/client/user-authenticators/push/challenge?publicKey=bm90LWEta2V5",
                unknown.basicAuthorization());
        assertThat(garbage.status()).isEqualTo(400);
        DeviceResponse missing = unknown.get("/client/user-authenticators/push/challenge", unknown.basicAuthorization());
        assertThat(missing.status()).isEqualTo(400);
        DeviceResponse answer = unknown.updateChallenge(PUSH, UUID.randomUUID().toString(), true, null);
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.text("error")).isEqualTo("invalid_credential");
    }

    @Test
    void removedCredentialCannotFetchOrAnswer() {
        SimulatedDevice phone = device(DeviceProfile.IOS_2_7);
        String userId = user();
        String credentialId = enrol(userId, phone).get(0);
        String challengeId = initiate(track(userId));
        TestCredentials.produce(TestCredentials.event(CredentialEvent.REMOVED, TENANT, credentialId, 2, userId, "push",
                key(phone), Instant.now()));
        await().atMost(KeyReplicaTest.EVENT_WAIT).until(() -> replica.find(TENANT, PUSH, key(phone))
                .await().indefinitely().isEmpty());
        assertThat(phone.getPushChallenge().status()).isEqualTo(404);
        assertThat(phone.updateChallenge(PUSH, challengeId, true, null).status()).isEqualTo(404);
        assertThat(stored(challengeId)).containsEntry("state", "pending");
    }

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void signedFetchVerifiesTheLastNonceOnce(DeviceProfile profile) {
        SimulatedDevice phone = device(profile);
        String userId = user();
        enrol(userId, phone);
        String challengeId = initiate(track(userId));
        String path = "/client/user-authenticators/push/challenge";
        String query = "?publicKey=" + phone.publicKeyQueryValue(PUSH);

        DeviceResponse nonce = phone.post(path + "/sign" + query, phone.basicAuthorization(),
                dev.countersign.device.WireJson.object());
        assertThat(nonce.status()).as(nonce.toString()).isEqualTo(200);
        String message = nonce.text("message");
        assertThat(message).isNotBlank();

        signedFetch(phone, query, phone.sign(PUSH, message)).statusCode(200).body("challengeId", equalTo(challengeId));
        // Single use: the same signature again is refused.
        signedFetch(phone, query, phone.sign(PUSH, message)).statusCode(401).body("error", equalTo("unauthorized"));

        String fresh = phone.post(path + "/sign" + query, phone.basicAuthorization(),
                dev.countersign.device.WireJson.object()).text("message");
        signedFetch(phone, query, phone.sign(PUSH, "something else")).statusCode(401);
        signedFetch(phone, query, phone.sign(PUSH, fresh)).statusCode(401); // the failed try consumed it
        // Older SDKs: no header, still served.
        assertThat(phone.getPushChallenge().text("challengeId")).isEqualTo(challengeId);
    }

    private static ValidatableResponse signedFetch(SimulatedDevice phone, String query, String signature) {
        return given().urlEncodingEnabled(false).header("Authorization", phone.basicAuthorization())
                .header("X-Authsignal-Signature", signature)
                .get("/v1/client/user-authenticators/push/challenge" + query).then();
    }

    // --- credential expiry --------------------------------------------------------------------------

    /**
     * A push credential past its {@code expiresAt} cannot answer its pending challenge (404
     * invalid_credential, like a removed key) until credential-service announces the renewal
     * ({@code PATCH …/push} with resetExpiry → credential.updated with a later deadline).
     */
    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void expiredCredentialCannotAnswerUntilRenewed(DeviceProfile profile) {
        SimulatedDevice phone = device(profile);
        String userId = user();
        String credentialId = UUID.randomUUID().toString();
        Instant now = Instant.now();
        CredentialEvent added = TestCredentials.event(CredentialEvent.ADDED, TENANT, credentialId, 1, userId, "push",
                key(phone), now);
        TestCredentials.produce(new CredentialEvent(added.eventId(), added.type(), added.tenantId(),
                added.credentialId(), added.version(), added.userId(), added.kind(), added.publicKey(),
                added.occurredAt(), null, null, now.plus(Duration.ofMinutes(1))));
        await().atMost(KeyReplicaTest.EVENT_WAIT).until(() -> replica.credentialIdsOf(TENANT, userId, PUSH)
                .await().indefinitely().size() == 1);
        Tracked tracked = track(userId);
        String challengeId = initiate(tracked);

        clock.advance(Duration.ofMinutes(2)); // the credential expired; the challenge (5 minutes) did not
        DeviceResponse refused = phone.updateChallenge(PUSH, challengeId, true, null);
        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.text("error")).isEqualTo("invalid_credential");
        assertThat(actionState(tracked, "signIn")).isEqualTo("CHALLENGE_REQUIRED");

        TestCredentials.produce(new CredentialEvent(UUID.randomUUID().toString(), CredentialEvent.UPDATED, TENANT,
                credentialId, 2, userId, "push", key(phone).spkiBase64(), now.plus(Duration.ofMinutes(2)),
                null, null, now.plus(Duration.ofDays(90))));
        await().atMost(KeyReplicaTest.EVENT_WAIT).until(() -> replica.find(TENANT, PUSH, key(phone))
                .await().indefinitely().isPresent());
        DeviceResponse approved = phone.updateChallenge(PUSH, challengeId, true, null);
        assertThat(approved.status()).as("%s", approved).isEqualTo(200);
        assertThat(approved.json().path("isVerified").asBoolean(false)).isTrue();
        assertThat(actionState(tracked, "signIn")).isEqualTo("CHALLENGE_SUCCEEDED");
    }

    @Test
    void expiredCredentialIsNeitherTargetedNorCountedAsEnrolledUntilRenewed() {
        SimulatedDevice expiring = device(DeviceProfile.ANDROID_3_8);
        SimulatedDevice lasting = device(DeviceProfile.IOS_2_7);
        String userId = user();
        String expiringId = UUID.randomUUID().toString();
        String lastingId = UUID.randomUUID().toString();
        Instant now = Instant.now();
        TestCredentials.produce(
                pushEvent(CredentialEvent.ADDED, expiringId, 1, userId, expiring, now, now.plus(Duration.ofMinutes(1))),
                pushEvent(CredentialEvent.ADDED, lastingId, 1, userId, lasting, now, now.plus(Duration.ofMinutes(10))));
        await().atMost(KeyReplicaTest.EVENT_WAIT).until(() -> replica.credentialIdsOf(TENANT, userId, PUSH)
                .await().indefinitely().size() == 2);

        clock.advance(Duration.ofMinutes(2)); // the first expired, the second not
        initiate(track(userId).token(), Map.of("action", "signIn")).statusCode(200)
                .body("deliveryResults", equalTo(List.of(Map.of("userAuthenticatorId", lastingId))));
        trackedEnrolment(userId).body("isEnrolled", equalTo(true))
                .body("enrolledVerificationMethods", equalTo(List.of("PUSH")));

        clock.advance(Duration.ofMinutes(10)); // both expired: nothing to push to, not enrolled
        Tracked nothingLeft = track(userId);
        initiate(nothingLeft.token(), Map.of("action", "signIn")).statusCode(404)
                .body("error", equalTo("invalid_credential"));
        assertThat(actionState(nothingLeft, "signIn")).isEqualTo("CHALLENGE_REQUIRED");
        trackedEnrolment(userId).body("isEnrolled", equalTo(false))
                .body("enrolledVerificationMethods", equalTo(List.of()));

        // Renewed (resetExpiry): credential.updated with a later expiresAt makes it a target again.
        TestCredentials.produce(pushEvent(CredentialEvent.UPDATED, expiringId, 2, userId, expiring,
                now.plus(Duration.ofMinutes(12)), now.plus(Duration.ofDays(90))));
        await().atMost(KeyReplicaTest.EVENT_WAIT).until(() -> replica.credentialIdsOf(TENANT, userId, PUSH)
                .await().indefinitely().equals(List.of(expiringId)));
        initiate(track(userId).token(), Map.of("action", "signIn")).statusCode(200)
                .body("deliveryResults", equalTo(List.of(Map.of("userAuthenticatorId", expiringId))));
        trackedEnrolment(userId).body("isEnrolled", equalTo(true));
    }

    private static CredentialEvent pushEvent(String type, String credentialId, long version, String userId,
            SimulatedDevice device, Instant occurredAt, Instant expiresAt) {
        return new CredentialEvent(UUID.randomUUID().toString(), type, TENANT, credentialId, version, userId, "push",
                key(device).spkiBase64(), occurredAt, null, null, expiresAt);
    }

    static ValidatableResponse trackedEnrolment(String userId) {
        return server().contentType(ContentType.JSON).body(Map.of())
                .post("/v1/users/{userId}/actions/{action}", userId, "probe").then().statusCode(200);
    }
}
