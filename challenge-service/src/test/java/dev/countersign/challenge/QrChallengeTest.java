package dev.countersign.challenge;

import static dev.countersign.challenge.ActionResourceTest.server;
import static dev.countersign.challenge.ActionResourceTest.user;
import static dev.countersign.challenge.ChallengeEventsTopic.awaitTypes;
import static dev.countersign.challenge.ChallengeEventsTopic.type;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.countersign.challenge.config.ChallengeConfig;
import dev.countersign.challenge.lifecycle.ChallengeStore;
import dev.countersign.challenge.qr.GeoLocator;
import dev.countersign.challenge.qr.GeoLocator.Location;
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
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * The QR-code challenge over HTTP, real Redis and real Kafka, with SDK-exact devices: a polling
 * kiosk creates and polls, devices claim and answer, the relying party validates.
 */
@QuarkusTest
class QrChallengeTest {

    static final String TENANT = TestTenants.TENANT_ID;
    static final CredentialKind QR = CredentialKind.QR_CODE;
    /** In MaxMind's test database: London, United Kingdom. */
    static final String LONDON = "81.2.69.142";
    static final String KIOSK_AGENT = "Mozilla/5.0 (kiosk)";

    @Inject
    KeyReplica replica;

    @Inject
    RedisDataSource redis;

    @Inject
    TokenVerifier verifier;

    @Inject
    SettableClock clock;

    @Inject
    GeoLocator geo;

    @Inject
    ChallengeConfig config;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    // --- helpers ---------------------------------------------------------------------------------

    record Kiosk(String challengeId, String deviceCode) {
    }

    static String tenantBasic(String tenantId) {
        return "Basic " + Base64.getEncoder().encodeToString(tenantId.getBytes(StandardCharsets.UTF_8));
    }

    static SimulatedDevice device(DeviceProfile profile) {
        return PushChallengeTest.device(profile);
    }

    /** Enrols the device's QR key for the user as credential-service would announce it; answers its id. */
    String enrol(String userId, SimulatedDevice device) {
        String id = UUID.randomUUID().toString();
        TestCredentials.produce(TestCredentials.event(CredentialEvent.ADDED, TENANT, id, 1, userId, "qr-code",
                DevicePublicKey.fromSpkiBase64(device.publicKey(QR)).orElseThrow(), Instant.now()));
        await().atMost(KeyReplicaTest.EVENT_WAIT)
                .until(() -> replica.credentialIdsOf(TENANT, userId, QR).await().indefinitely().contains(id));
        return id;
    }

    static ValidatableResponse create(String authorization, String clientIp, Map<String, Object> body) {
        var request = given().header("Authorization", authorization).header("User-Agent", KIOSK_AGENT)
                // The test's loopback peer is a trusted proxy, as the edge and the notifier are.
                .header("X-Forwarded-For", clientIp);
        request = body == null ? request.noContentType() : request.contentType(ContentType.JSON).body(body);
        return request.post("/v1/client/challenge/qr-code").then();
    }

    static Kiosk create(String clientIp) {
        var body = create(tenantBasic(TENANT), clientIp, Map.of("action", "kioskLogin", "custom", Map.of("till", 7)))
                .statusCode(200).extract().jsonPath();
        return new Kiosk(body.getString("challengeId"), body.getString("deviceCode"));
    }

    static Kiosk create() {
        return create(InitiationBudgetsTest.address());
    }

    static ValidatableResponse poll(String authorization, String challengeId, String deviceCode) {
        Map<String, Object> body = new HashMap<>();
        body.put("challengeId", challengeId);
        body.put("deviceCode", deviceCode);
        return given().header("Authorization", authorization).contentType(ContentType.JSON).body(body)
                .post("/v1/client/verify/qr-code").then();
    }

    static ValidatableResponse poll(Kiosk kiosk) {
        return poll(tenantBasic(TENANT), kiosk.challengeId(), kiosk.deviceCode());
    }

    Map<String, String> stored(String challengeId) {
        return redis.hash(String.class).hgetall(ChallengeStore.key(challengeId));
    }

    static ValidatableResponse validate(String token) {
        return server().contentType(ContentType.JSON).body(Map.of("token", token)).post("/v1/validate").then()
                .statusCode(200);
    }

    static void assertRefused(DeviceResponse response, int status, String error) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.text("error")).isEqualTo(error);
    }

    // --- retention ---------------------------------------------------------------------------------

    @Test
    void publishedQrChallengeIsKeptForTheQrRetentionNotThePushOne() {
        Duration retention = config.qrCode().retention();
        assertThat(retention).as("the test profile sets them apart").isNotEqualTo(config.push().retention());
        Kiosk kiosk = create();

        // challenge.created acknowledged: the hash gets the TTL it has without the outbox.
        await().atMost(Duration.ofSeconds(10)).until(() -> stored(kiosk.challengeId()).keySet().stream()
                .noneMatch(field -> field.startsWith("evt:")));
        long expiresAt = Long.parseLong(stored(kiosk.challengeId()).get("expiresAt"));
        long expected = expiresAt + retention.toMillis() - System.currentTimeMillis();
        assertThat(redis.key(String.class).pttl(ChallengeStore.key(kiosk.challengeId())))
                .isBetween(expected - 5_000, expected + 1_000);
    }

    // --- polling mode: the whole flow ------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void approvedClaimGivesTheKioskAnAccessTokenForTheDevicesUser(DeviceProfile profile) {
        SimulatedDevice phone = device(profile);
        String userId = user();
        String credentialId = enrol(userId, phone);

        Instant before = Instant.now();
        var created = create(tenantBasic(TENANT), LONDON, Map.of("action", "kioskLogin", "custom", Map.of("till", 7)))
                .statusCode(200).contentType(ContentType.JSON)
                .body("$", not(hasKey("error")))
                .body("challengeId", matchesPattern("[0-9a-f-]{36}"))
                .body("deviceCode", matchesPattern("[A-Za-z0-9_-]{43}"))
                .body("expiresAt", matchesPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"))
                .extract().jsonPath();
        Kiosk kiosk = new Kiosk(created.getString("challengeId"), created.getString("deviceCode"));
        assertThat(Instant.parse(created.getString("expiresAt")))
                .isBetween(before.plus(Duration.ofMinutes(10)).minusSeconds(1), Instant.now().plus(Duration.ofMinutes(10)));

        // The device code is kept only hashed.
        assertThat(stored(kiosk.challengeId())).containsEntry("kind", "qr-code").containsEntry("state", "pending")
                .doesNotContainValue(kiosk.deviceCode()).doesNotContainKey("userId");

        poll(kiosk).statusCode(200).body("isClaimed", equalTo(false)).body("isConsumed", equalTo(false))
                .body("isVerified", equalTo(false)).body("$", not(hasKey("accessToken")));

        DeviceResponse claim = phone.claimQrChallenge(kiosk.challengeId());
        assertThat(claim.status()).as(claim.toString()).isEqualTo(200);
        assertThat(claim.json().get("success").asBoolean()).isTrue();
        assertThat(claim.text("ipAddress")).isEqualTo(LONDON);
        assertThat(claim.text("userAgent")).isEqualTo(KIOSK_AGENT);
        assertThat(claim.text("actionCode")).isEqualTo("kioskLogin");
        String idempotencyKey = claim.text("idempotencyKey");
        assertThat(idempotencyKey).isNotBlank();
        assertThat(claim.json().get("custom").get("till").asInt()).isEqualTo(7);
        JsonNode location = claim.json().get("location");
        assertThat(location.get("city").asText()).isEqualTo("London");
        assertThat(location.get("country").asText()).isEqualTo("United Kingdom");
        assertThat(location.get("countryCode").asText()).isEqualTo("GB");
        assertThat(claim.json().has("error")).isFalse();
        assertThat(stored(kiosk.challengeId())).containsEntry("userId", userId)
                .containsEntry("credentialId", credentialId).containsEntry("version", "2");

        poll(kiosk).statusCode(200).body("isClaimed", equalTo(true)).body("isConsumed", equalTo(false))
                .body("isVerified", equalTo(false)).body("$", not(hasKey("accessToken")));
        // The claim made the action, for the claiming user, still waiting for the answer.
        assertThat(server().get("/v1/users/{userId}/actions/{action}/{key}", userId, "kioskLogin", idempotencyKey)
                .then().statusCode(200).extract().<String>path("state")).isEqualTo("CHALLENGE_REQUIRED");

        DeviceResponse approve = phone.updateChallenge(QR, kiosk.challengeId(), true, null);
        assertThat(approve.status()).as(approve.toString()).isEqualTo(200);
        assertThat(approve.json().get("isVerified").asBoolean()).isTrue();

        String accessToken = poll(kiosk).statusCode(200).body("isClaimed", equalTo(true))
                .body("isConsumed", equalTo(true)).body("isVerified", equalTo(true))
                .extract().path("accessToken");
        TokenClaims claims = verifier.verify(accessToken);
        assertThat(claims.type()).isEqualTo(TokenType.ACCESS);
        assertThat(claims.userId()).isEqualTo(userId);
        assertThat(claims.actionCode()).isEqualTo("kioskLogin");
        assertThat(claims.idempotencyKey()).isEqualTo(idempotencyKey);
        validate(accessToken).body("isValid", equalTo(true)).body("userId", equalTo(userId))
                .body("state", equalTo("CHALLENGE_SUCCEEDED")).body("actionCode", equalTo("kioskLogin"))
                .body("verificationMethod", equalTo("DEVICE"));
        assertThat(UserActionsTest.list(userId, "").getList("verifiedByAuthenticatorId")).containsExactly(credentialId);
        // Repeatable: a second poll (another notifier replica, a retrying kiosk) gets a token too.
        poll(kiosk).statusCode(200).body("isVerified", equalTo(true)).body("accessToken", not(equalTo(null)));

        List<ConsumerRecord<String, String>> events = awaitTypes(kiosk.challengeId(), "challenge.created",
                "challenge.claimed", "challenge.approved");
        for (ConsumerRecord<String, String> event : events) {
            assertThat(event.value()).doesNotContain(kiosk.deviceCode()).doesNotContain(accessToken);
            assertThat(PushChallengeTest.value(event).get("kind").asText()).isEqualTo("qr-code");
        }
        JsonNode claimed = events.stream().filter(r -> type(r).endsWith("challenge.claimed"))
                .map(PushChallengeTest::value).findFirst().orElseThrow();
        assertThat(claimed.get("userId").asText()).isEqualTo(userId);
        assertThat(claimed.get("credentialId").asText()).isEqualTo(credentialId);
        assertThat(claimed.get("ipAddress").asText()).isEqualTo(LONDON);
        JsonNode approved = events.stream().filter(r -> type(r).endsWith("challenge.approved"))
                .map(PushChallengeTest::value).findFirst().orElseThrow();
        assertThat(approved.get("version").asLong()).isEqualTo(3);
        assertThat(approved.get("credentialId").asText()).isEqualTo(credentialId);
    }

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void rejectedClaimIsDeclinedForTheKioskAndFailsTheAction(DeviceProfile profile) {
        SimulatedDevice phone = device(profile);
        String userId = user();
        enrol(userId, phone);
        Kiosk kiosk = create();

        DeviceResponse claim = phone.claimQrChallenge(kiosk.challengeId());
        assertThat(claim.status()).as(claim.toString()).isEqualTo(200);
        DeviceResponse reject = phone.updateChallenge(QR, kiosk.challengeId(), false, null);
        assertThat(reject.status()).as(reject.toString()).isEqualTo(200);
        assertThat(reject.json().get("isVerified").asBoolean()).isFalse();

        poll(kiosk).statusCode(200).body("isClaimed", equalTo(true)).body("isConsumed", equalTo(true))
                .body("isVerified", equalTo(false)).body("$", not(hasKey("accessToken")));
        assertThat(server().get("/v1/users/{userId}/actions/{action}/{key}", userId, "kioskLogin",
                claim.text("idempotencyKey")).then().statusCode(200).extract().<String>path("state"))
                .isEqualTo("CHALLENGE_FAILED");
        JsonNode rejected = awaitTypes(kiosk.challengeId(), "challenge.rejected").stream()
                .filter(r -> type(r).endsWith("challenge.rejected")).map(PushChallengeTest::value).findFirst()
                .orElseThrow();
        assertThat(rejected.get("kind").asText()).isEqualTo("qr-code");
        // A second answer is late.
        assertRefused(phone.updateChallenge(QR, kiosk.challengeId(), true, null), 409, "challenge_already_answered");
    }

    // --- device code ------------------------------------------------------------------------------

    @Test
    void wrongDeviceCodeAnswersLikeAnUnknownChallenge() {
        SimulatedDevice phone = device(DeviceProfile.ANDROID_3_8);
        enrol(user(), phone);
        Kiosk kiosk = create();
        assertThat(phone.claimQrChallenge(kiosk.challengeId()).status()).isEqualTo(200);
        assertThat(phone.updateChallenge(QR, kiosk.challengeId(), true, null).status()).isEqualTo(200);

        // The challenge id from the QR code alone never yields the token.
        String wrong = kiosk.deviceCode().substring(1) + (kiosk.deviceCode().charAt(0) == 'A' ? 'B' : 'A');
        var refused = poll(tenantBasic(TENANT), kiosk.challengeId(), wrong).statusCode(404)
                .body("error", equalTo("not_found")).extract().asString();
        var unknown = poll(tenantBasic(TENANT), UUID.randomUUID().toString(), kiosk.deviceCode()).statusCode(404)
                .body("error", equalTo("not_found")).extract().asString();
        assertThat(refused).isEqualTo(unknown).doesNotContain("accessToken");
        poll(tenantBasic(TENANT), kiosk.challengeId(), kiosk.challengeId()).statusCode(404);
        // Another tenant with the right code: not its challenge.
        poll(tenantBasic(TestTenants.OTHER_TENANT_ID), kiosk.challengeId(), kiosk.deviceCode()).statusCode(404);
        poll(tenantBasic(TENANT), kiosk.challengeId(), null).statusCode(400).body("error", equalTo("invalid_request"));
        poll(tenantBasic(TENANT), kiosk.challengeId(), kiosk.deviceCode()).statusCode(200)
                .body("isVerified", equalTo(true));
    }

    @Test
    void pollNeedsTheTenantBasicNotAToken() {
        Kiosk kiosk = create();
        poll("Bearer " + "x.y.z", kiosk.challengeId(), kiosk.deviceCode()).statusCode(401);
        poll(tenantBasic("no-such-tenant"), kiosk.challengeId(), kiosk.deviceCode()).statusCode(401);
    }

    // --- claim and answer refusals ---------------------------------------------------------------

    @Test
    void secondDeviceCannotClaimAndOnlyTheClaimerMayAnswer() {
        SimulatedDevice phone = device(DeviceProfile.IOS_2_7);
        SimulatedDevice other = device(DeviceProfile.ANDROID_3_8);
        String userId = user();
        String credentialId = enrol(userId, phone);
        enrol(user(), other);
        Kiosk kiosk = create();

        assertThat(phone.claimQrChallenge(kiosk.challengeId()).status()).isEqualTo(200);
        assertRefused(other.claimQrChallenge(kiosk.challengeId()), 409, "challenge_already_answered");
        // Claiming twice is a second claim too.
        assertRefused(phone.claimQrChallenge(kiosk.challengeId()), 409, "challenge_already_answered");
        assertRefused(other.updateChallenge(QR, kiosk.challengeId(), true, null), 404, "not_found");
        assertThat(stored(kiosk.challengeId())).containsEntry("state", "pending")
                .containsEntry("credentialId", credentialId).containsEntry("userId", userId)
                .containsEntry("version", "2");

        assertThat(phone.updateChallenge(QR, kiosk.challengeId(), true, null).status()).isEqualTo(200);
        poll(kiosk).statusCode(200).body("isVerified", equalTo(true));
    }

    @Test
    void concurrentClaimsBindTheChallengeToExactlyOneDevice() throws Exception {
        List<SimulatedDevice> phones = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            SimulatedDevice phone = device(i % 2 == 0 ? DeviceProfile.ANDROID_3_8 : DeviceProfile.IOS_2_7);
            enrol(user(), phone);
            phones.add(phone);
        }
        Kiosk kiosk = create();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(phones.size());
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<DeviceResponse>> claims = new java.util.ArrayList<>();
            for (SimulatedDevice phone : phones) {
                claims.add(pool.submit(() -> {
                    start.await();
                    return phone.claimQrChallenge(kiosk.challengeId());
                }));
            }
            start.countDown();
            List<Integer> statuses = new java.util.ArrayList<>();
            for (var claim : claims) {
                statuses.add(claim.get().status());
            }
            assertThat(statuses).containsOnly(200, 409);
            assertThat(statuses.stream().filter(status -> status == 200).count()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(stored(kiosk.challengeId())).containsEntry("version", "2");
    }

    @Test
    void answerWithoutClaimIsRefused() {
        SimulatedDevice phone = device(DeviceProfile.ANDROID_3_8);
        enrol(user(), phone);
        Kiosk kiosk = create();
        assertRefused(phone.updateChallenge(QR, kiosk.challengeId(), true, null), 404, "not_found");
        assertThat(stored(kiosk.challengeId())).containsEntry("state", "pending").containsEntry("version", "1");
        poll(kiosk).statusCode(200).body("isClaimed", equalTo(false));
    }

    @Test
    void badSignatureOrUnknownKeyClaimsNothing() {
        SimulatedDevice phone = device(DeviceProfile.ANDROID_3_8);
        enrol(user(), phone);
        Kiosk kiosk = create();
        assertRefused(phone.claimQrChallengeWithSignature(kiosk.challengeId(),
                phone.sign(QR, "another-challenge")), 401, "unauthorized");
        assertRefused(device(DeviceProfile.IOS_2_7).claimQrChallenge(kiosk.challengeId()), 404, "invalid_credential");
        assertRefused(phone.claimQrChallenge(UUID.randomUUID().toString()), 404, "not_found");
        // A push key is no QR credential.
        assertThat(stored(kiosk.challengeId())).containsEntry("version", "1").doesNotContainKey("credentialId");
        poll(kiosk).statusCode(200).body("isClaimed", equalTo(false));

        assertThat(phone.claimQrChallenge(kiosk.challengeId()).status()).isEqualTo(200);
        assertRefused(phone.updateChallengeWithSignature(QR, kiosk.challengeId(), true, null,
                phone.sign(QR, "another-challenge")), 401, "unauthorized");
    }

    @Test
    void expiredChallengeCannotBeClaimedOrAnsweredAndPollsAsExpired() {
        SimulatedDevice phone = device(DeviceProfile.IOS_2_7);
        enrol(user(), phone);
        Kiosk unclaimed = create();
        Kiosk claimed = create();
        assertThat(phone.claimQrChallenge(claimed.challengeId()).status()).isEqualTo(200);

        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        assertRefused(phone.claimQrChallenge(unclaimed.challengeId()), 410, "challenge_expired");
        assertRefused(phone.updateChallenge(QR, claimed.challengeId(), true, null), 410, "challenge_expired");
        poll(unclaimed).statusCode(410).body("error", equalTo("challenge_expired"));
        poll(claimed).statusCode(410).body("error", equalTo("challenge_expired"));

        await().atMost(Duration.ofSeconds(15)).until(() -> "expired".equals(stored(claimed.challengeId()).get("state"))
                && "expired".equals(stored(unclaimed.challengeId()).get("state")));
        JsonNode expired = awaitTypes(claimed.challengeId(), "challenge.expired").stream()
                .filter(r -> type(r).endsWith("challenge.expired")).map(PushChallengeTest::value).findFirst()
                .orElseThrow();
        assertThat(expired.get("kind").asText()).isEqualTo("qr-code");
        assertThat(expired.get("version").asLong()).isEqualTo(3);
        awaitTypes(unclaimed.challengeId(), "challenge.expired");
    }

    // --- challenges bound to a tracked action ----------------------------------------------------

    @Test
    void trackedChallengeIsBoundToTheTrackedUserAndAction() {
        SimulatedDevice phone = device(DeviceProfile.ANDROID_3_8);
        SimulatedDevice stranger = device(DeviceProfile.IOS_2_7);
        String userId = user();
        String credentialId = enrol(userId, phone);
        enrol(user(), stranger);
        var tracked = server().contentType(ContentType.JSON).body(Map.of("custom", Map.of("shop", "north")))
                .post("/v1/users/{userId}/actions/{action}", userId, "kioskLogin")
                .then().statusCode(200).extract().jsonPath();
        String trackToken = tracked.getString("token");
        String idempotencyKey = tracked.getString("idempotencyKey");

        create("Bearer " + trackToken, LONDON, Map.of("action", "otherAction")).statusCode(400)
                .body("error", equalTo("invalid_request"));
        var body = create("Bearer " + trackToken, LONDON, null).statusCode(200).extract().jsonPath();
        Kiosk kiosk = new Kiosk(body.getString("challengeId"), body.getString("deviceCode"));
        assertThat(stored(kiosk.challengeId())).containsEntry("userId", userId)
                .containsEntry("idempotencyKey", idempotencyKey);

        // Another user's device: not its challenge.
        assertRefused(stranger.claimQrChallenge(kiosk.challengeId()), 404, "not_found");
        DeviceResponse claim = phone.claimQrChallenge(kiosk.challengeId());
        assertThat(claim.status()).as(claim.toString()).isEqualTo(200);
        assertThat(claim.text("idempotencyKey")).isEqualTo(idempotencyKey);
        assertThat(claim.json().get("custom").get("shop").asText()).isEqualTo("north");
        assertThat(phone.updateChallenge(QR, kiosk.challengeId(), true, null).status()).isEqualTo(200);
        assertThat(stored(kiosk.challengeId())).containsEntry("credentialId", credentialId);

        String accessToken = poll(kiosk).statusCode(200).body("isVerified", equalTo(true))
                .extract().path("accessToken");
        validate(accessToken).body("isValid", equalTo(true)).body("userId", equalTo(userId))
                .body("idempotencyKey", equalTo(idempotencyKey));
        // The track token shows the action, but never vouches for it: only the earned access token does.
        validate(trackToken).body("isValid", equalTo(false)).body("state", equalTo("CHALLENGE_SUCCEEDED"));
        // The action has its result: no second challenge for it; an access token creates none.
        create("Bearer " + trackToken, LONDON, null).statusCode(409).body("error", equalTo("challenge_already_answered"));
        create("Bearer " + accessToken, LONDON, null).statusCode(403).body("error", equalTo("insufficient_scope"));
    }

    // --- creation ----------------------------------------------------------------------------------

    @Test
    void anonymousCreationNeedsAValidAction() {
        create(tenantBasic(TENANT), LONDON, null).statusCode(400).body("error", equalTo("invalid_request"));
        create(tenantBasic(TENANT), LONDON, Map.of("action", "no spaces")).statusCode(400);
        create(tenantBasic(TENANT), LONDON, Map.of("action", "kioskLogin", "custom", Map.of("nested", Map.of())))
                .statusCode(400).body("error", equalTo("invalid_request"));
        create(tenantBasic("no-such-tenant"), LONDON, Map.of("action", "kioskLogin")).statusCode(401);
    }

    @Test
    void noLocationForAnAddressTheDatabaseDoesNotKnow() {
        SimulatedDevice phone = device(DeviceProfile.ANDROID_3_8);
        enrol(user(), phone);
        Kiosk kiosk = create("203.0.113.9");
        DeviceResponse claim = phone.claimQrChallenge(kiosk.challengeId());
        assertThat(claim.status()).isEqualTo(200);
        assertThat(claim.text("ipAddress")).isEqualTo("203.0.113.9");
        assertThat(claim.json().has("location")).isFalse();
    }

    @Test
    void locationComesFromTheDatabaseForLiteralAddressesOnly() {
        assertThat(geo.locate(Optional.of("2.125.160.217")))
                .contains(new Location("Boxford", "United Kingdom", "GB"));
        assertThat(geo.locate(Optional.of(LONDON))).contains(new Location("London", "United Kingdom", "GB"));
        // Unknown to the database, not an address at all (never a DNS lookup), none.
        assertThat(geo.locate(Optional.of("2001:db8::1"))).isEmpty();
        assertThat(geo.locate(Optional.of("localhost"))).isEmpty();
        assertThat(geo.locate(Optional.of("example.com"))).isEmpty();
        assertThat(geo.locate(Optional.empty())).isEmpty();
    }

    @Test
    void anonymousCreationIsLimitedPerClientAddress() {
        String address = InitiationBudgetsTest.address();
        for (int i = 0; i < 60; i++) {
            create(tenantBasic(TENANT), address, Map.of("action", "kioskLogin")).statusCode(200);
        }
        String retryAfter = create(tenantBasic(TENANT), address, Map.of("action", "kioskLogin")).statusCode(429)
                .body("error", equalTo("too_many_requests")).extract().header("Retry-After");
        assertThat(Long.parseLong(retryAfter)).isBetween(1L, 600L);
        // Another address is not held up.
        create(tenantBasic(TENANT), InitiationBudgetsTest.address(), Map.of("action", "kioskLogin")).statusCode(200);
    }

    @Test
    void aLoopbackAddressFromATrustedProxyIsLimitedLikeAnyOther() {
        // The test config exempts direct loopback peers (as the local run does), never an address a
        // proxy names: X-Forwarded-For: 127.0.0.1 through the edge must not escape the budget.
        String loopback = "127.0.2." + ThreadLocalRandom.current().nextInt(1, 255);
        for (int i = 0; i < 60; i++) {
            create(tenantBasic(TENANT), loopback, Map.of("action", "kioskLogin")).statusCode(200);
        }
        refusedWithRetryAfter(create(tenantBasic(TENANT), loopback, Map.of("action", "kioskLogin")));
    }

    @Test
    void aDirectLoopbackPeerIsNotLimitedPerAddressWhenTheSettingIsOn() {
        // countersign.exempt-loopback-peers=true in the test config; no X-Forwarded-For: the peer itself.
        for (int i = 0; i < 65; i++) {
            given().header("Authorization", tenantBasic(TENANT)).contentType(ContentType.JSON)
                    .body(Map.of("action", "kioskLogin")).post("/v1/client/challenge/qr-code").then().statusCode(200);
        }
    }

    /** A track token for a new action of the user. */
    static String trackToken(String userId) {
        return server().contentType(ContentType.JSON).body(Map.of())
                .post("/v1/users/{userId}/actions/{action}", userId, "kioskLogin")
                .then().statusCode(200).extract().path("token");
    }

    static String refusedWithRetryAfter(ValidatableResponse response) {
        String retryAfter = response.statusCode(429).body("error", equalTo("too_many_requests"))
                .extract().header("Retry-After");
        assertThat(Long.parseLong(retryAfter)).isBetween(1L, 600L);
        return retryAfter;
    }

    @Test
    void trackedCreationIsLimitedPerUserAndARefusalStoresNothing() {
        String userId = user();
        String token = trackToken(userId);
        // The test budget: 5 per user per window, whatever the address and however many tokens.
        for (int i = 0; i < 5; i++) {
            create("Bearer " + (i < 3 ? token : trackToken(userId)), InitiationBudgetsTest.address(), null)
                    .statusCode(200);
        }
        var before = InitiationBudgetsTest.challengeKeys(redis);
        String retryAfter = refusedWithRetryAfter(create("Bearer " + token, InitiationBudgetsTest.address(), null));
        assertThat(InitiationBudgetsTest.challengeKeys(redis)).isSubsetOf(before);
        // Another user is not held up; once the window has passed this one is let through again.
        create("Bearer " + trackToken(user()), InitiationBudgetsTest.address(), null).statusCode(200);
        clock.advance(Duration.ofSeconds(Long.parseLong(retryAfter)));
        // A fresh token: the first one has expired by then.
        create("Bearer " + trackToken(userId), InitiationBudgetsTest.address(), null).statusCode(200);
    }

    @Test
    void trackedCreationIsLimitedPerClientAddressAndARefusalCostsTheUserNothing() {
        String address = InitiationBudgetsTest.address();
        // The test budget: 8 per address per window, across users.
        for (int i = 0; i < 8; i++) {
            create("Bearer " + trackToken(user()), address, null).statusCode(200);
        }
        String userId = user();
        String token = trackToken(userId);
        var before = InitiationBudgetsTest.challengeKeys(redis);
        refusedWithRetryAfter(create("Bearer " + token, address, null));
        assertThat(InitiationBudgetsTest.challengeKeys(redis)).isSubsetOf(before);
        // The refused request was given back to the user's budget: all 5 still open elsewhere.
        String elsewhere = InitiationBudgetsTest.address();
        for (int i = 0; i < 5; i++) {
            create("Bearer " + token, elsewhere, null).statusCode(200);
        }
        refusedWithRetryAfter(create("Bearer " + token, elsewhere, null));
        // Anonymous challenges have a budget of their own, not held up by the tracked one.
        create(tenantBasic(TENANT), address, Map.of("action", "kioskLogin")).statusCode(200);
    }

    @Test
    void aLoopbackAddressFromATrustedProxyIsLimitedForTrackedChallengesToo() {
        String loopback = "127.0.3." + ThreadLocalRandom.current().nextInt(1, 255);
        for (int i = 0; i < 8; i++) {
            create("Bearer " + trackToken(user()), loopback, null).statusCode(200);
        }
        refusedWithRetryAfter(create("Bearer " + trackToken(user()), loopback, null));
    }
}
