package dev.countersign.challenge;

import static dev.countersign.challenge.ActionResourceTest.server;
import static dev.countersign.challenge.ActionResourceTest.user;
import static dev.countersign.challenge.ChallengeEventsTopic.awaitTypes;
import static dev.countersign.challenge.ChallengeEventsTopic.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.challenge.lifecycle.ChallengeStore;
import dev.countersign.challenge.replica.KeyReplica;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.event.CredentialEvent;
import dev.countersign.common.token.AttestationNonces;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.common.token.TokenIssuer;
import dev.countersign.common.token.TokenType;
import dev.countersign.common.token.TokenVerifier;
import dev.countersign.testkit.SettableClock;
import dev.countersign.testkit.TestTenants;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.device.WireJson;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * In-app verification (docs/protocol/wire.md#34-generic-challenge-and-attestation-nonce, docs/protocol/wire.md#38-in-app-verify) and its legacy twin {@code /v1/client/verify/device} (docs/protocol/wire.md#71-legacy-device-namespace),
 * the same cases against both routes, both SDK profiles; plus the attestation nonce. Real Redis,
 * real Kafka, real signatures.
 */
@QuarkusTest
class InAppChallengeTest {

    static final String TENANT = TestTenants.TENANT_ID;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KeyReplica replica;

    @Inject
    TokenVerifier verifier;

    @Inject
    TokenIssuer issuer;

    @Inject
    AttestationNonces nonces;

    @Inject
    SettableClock clock;

    @Inject
    io.quarkus.redis.datasource.RedisDataSource redis;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    /** The modern route and the legacy one that must behave the same. */
    enum Route {
        IN_APP("/client/verify/in-app"),
        DEVICE("/client/verify/device");

        final String path;

        Route(String path) {
            this.path = path;
        }
    }

    static Stream<Arguments> routesAndProfiles() {
        return Stream.of(Route.values()).flatMap(route -> Stream.of(DeviceProfile.values())
                .map(profile -> Arguments.of(route, profile)));
    }

    // --- helpers ---------------------------------------------------------------------------------

    static SimulatedDevice device(DeviceProfile profile) {
        return SimulatedDevice.create(profile, PushChallengeTest.baseUrl(), TENANT);
    }

    /** Enrols the device's in-app key (or another kind's) for the user, as credential-service announces it. */
    String enrol(String userId, SimulatedDevice device, CredentialKind kind) {
        String id = UUID.randomUUID().toString();
        DevicePublicKey key = DevicePublicKey.fromSpkiBase64(device.publicKey(kind)).orElseThrow();
        TestCredentials.produce(TestCredentials.event(CredentialEvent.ADDED, TENANT, id, 1, userId, kind.wireName(),
                key, Instant.now()));
        await().atMost(KeyReplicaTest.EVENT_WAIT)
                .until(() -> replica.find(TENANT, kind, key).await().indefinitely().isPresent());
        return id;
    }

    String enrol(String userId, SimulatedDevice device) {
        return enrol(userId, device, CredentialKind.IN_APP);
    }

    static DeviceResponse verify(Route route, SimulatedDevice device, String challengeId, String authorization,
            CredentialKind kind) {
        WireJson body = WireJson.object()
                .put("challengeId", challengeId)
                .put("publicKey", device.publicKey(kind))
                .put("signature", device.sign(kind, challengeId));
        return device.post(route.path, authorization, body);
    }

    static DeviceResponse verify(Route route, SimulatedDevice device, String challengeId) {
        return verify(route, device, challengeId, device.basicAuthorization(), CredentialKind.IN_APP);
    }

    static String challenge(SimulatedDevice device, String action) {
        DeviceResponse created = device.createInAppChallenge(action);
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        assertThat(created.json().has("nonce")).isFalse();
        return created.text("challengeId");
    }

    static JsonNode validate(String token, String action) throws Exception {
        Map<String, Object> body = new HashMap<>();
        body.put("token", token);
        if (action != null) {
            body.put("action", action);
        }
        String response = server().contentType(ContentType.JSON).body(body).post("/v1/validate")
                .then().statusCode(200).extract().asString();
        return JSON.readTree(response);
    }

    // --- with and without an action ---------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("routesAndProfiles")
    void verifyWithActionThenTokenValidatesForThatActionOnly(Route route, DeviceProfile profile) throws Exception {
        String userId = user();
        SimulatedDevice device = device(profile);
        String credentialId = enrol(userId, device);
        String challengeId = challenge(device, "transfer");

        DeviceResponse verified = verify(route, device, challengeId);

        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        assertThat(verified.text("userId")).isEqualTo(userId);
        assertThat(verified.text("userAuthenticatorId")).isEqualTo(credentialId);
        assertThat(verified.json().has("username")).isFalse();
        String token = verified.text("token");
        TokenClaims claims = verifier.verify(token);
        assertThat(claims.type()).isEqualTo(TokenType.ACCESS);
        assertThat(claims.userId()).isEqualTo(userId);
        assertThat(claims.actionCode()).isEqualTo("transfer");

        JsonNode valid = validate(token, "transfer");
        assertThat(valid.get("isValid").asBoolean()).isTrue();
        assertThat(valid.get("state").asText()).isEqualTo("CHALLENGE_SUCCEEDED");
        assertThat(valid.get("userId").asText()).isEqualTo(userId);
        assertThat(valid.get("actionCode").asText()).isEqualTo("transfer");
        assertThat(valid.get("verificationMethod").asText()).isEqualTo("DEVICE");
        assertThat(validate(token, null).get("isValid").asBoolean()).isTrue();
        assertThat(validate(token, "signIn").get("isValid").asBoolean()).isFalse();
        // queryUserActions names the credential that verified it.
        var listed = UserActionsTest.list(userId, "");
        assertThat(listed.getList("verifiedByAuthenticatorId")).containsExactly(credentialId);

        List<ConsumerRecord<String, String>> events = awaitTypes(challengeId, "challenge.created",
                "challenge.approved");
        JsonNode approved = JSON.readTree(events.stream()
                .filter(record -> type(record).equals("dev.countersign.challenge.approved")).findFirst().orElseThrow()
                .value());
        assertThat(approved.get("kind").asText()).isEqualTo("in-app");
        assertThat(approved.get("credentialId").asText()).isEqualTo(credentialId);
        assertThat(approved.get("userId").asText()).isEqualTo(userId);
        assertThat(approved.get("actionCode").asText()).isEqualTo("transfer");
        assertThat(approved.toString()).doesNotContain(token);
    }

    @ParameterizedTest
    @MethodSource("routesAndProfiles")
    void verifyWithoutActionThenFirstValidatedActionBindsTheToken(Route route, DeviceProfile profile)
            throws Exception {
        String userId = user();
        SimulatedDevice device = device(profile);
        enrol(userId, device);
        String challengeId = challenge(device, null);

        DeviceResponse verified = verify(route, device, challengeId);

        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        String token = verified.text("token");
        assertThat(verifier.verify(token).actionCode()).isNull();
        JsonNode unbound = validate(token, null);
        assertThat(unbound.get("isValid").asBoolean()).isTrue();
        assertThat(unbound.has("actionCode")).isFalse();

        JsonNode bound = validate(token, "signIn");
        assertThat(bound.get("isValid").asBoolean()).isTrue();
        assertThat(bound.get("actionCode").asText()).isEqualTo("signIn");
        assertThat(bound.get("userId").asText()).isEqualTo(userId);
        // Repeatable for the bound action, refused for any other from now on.
        assertThat(validate(token, "signIn").get("isValid").asBoolean()).isTrue();
        assertThat(validate(token, "transfer").get("isValid").asBoolean()).isFalse();
        assertThat(validate(token, null).get("actionCode").asText()).isEqualTo("signIn");
    }

    @ParameterizedTest
    @MethodSource("routesAndProfiles")
    void verifyUnderBearerTrackTokenCompletesTheTrackedAction(Route route, DeviceProfile profile) throws Exception {
        String userId = user();
        SimulatedDevice device = device(profile);
        String credentialId = enrol(userId, device);
        var tracked = server().contentType(ContentType.JSON).body(Map.of("username", "alice@example.com"))
                .post("/v1/users/{userId}/actions/{action}", userId, "signIn")
                .then().statusCode(200).extract().jsonPath();
        String trackToken = tracked.getString("token");
        String challengeId = challenge(device, null);

        DeviceResponse verified = verify(route, device, challengeId, "Bearer " + trackToken, CredentialKind.IN_APP);

        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        assertThat(verified.text("username")).isEqualTo("alice@example.com");
        TokenClaims claims = verifier.verify(verified.text("token"));
        assertThat(claims.idempotencyKey()).isEqualTo(tracked.getString("idempotencyKey"));
        JsonNode valid = validate(verified.text("token"), "signIn");
        assertThat(valid.get("isValid").asBoolean()).isTrue();
        assertThat(valid.get("idempotencyKey").asText()).isEqualTo(tracked.getString("idempotencyKey"));
        assertThat(validate(verified.text("token"), "transfer").get("isValid").asBoolean()).isFalse();
        server().get("/v1/users/{userId}/actions/signIn/{key}", userId, tracked.getString("idempotencyKey"))
                .then().statusCode(200).body("state", org.hamcrest.Matchers.equalTo("CHALLENGE_SUCCEEDED"))
                .body("verificationMethod", org.hamcrest.Matchers.equalTo("DEVICE"));
        assertThat(UserActionsTest.list(userId, "").getList("verifiedByAuthenticatorId")).containsExactly(credentialId);

        // The action has its result: a second in-app verification cannot answer it again.
        DeviceResponse again = verify(route, device, challenge(device, null), "Bearer " + trackToken,
                CredentialKind.IN_APP);
        assertThat(again.status()).as(again.toString()).isEqualTo(409);
    }

    @ParameterizedTest
    @MethodSource("routesAndProfiles")
    void verifyUnderBearerOfAnotherUserThenRefused(Route route, DeviceProfile profile) {
        SimulatedDevice device = device(profile);
        enrol(user(), device);
        String otherToken = server().contentType(ContentType.JSON).body(Map.of())
                .post("/v1/users/{userId}/actions/{action}", user(), "signIn")
                .then().statusCode(200).extract().jsonPath().getString("token");

        DeviceResponse refused = verify(route, device, challenge(device, null), "Bearer " + otherToken,
                CredentialKind.IN_APP);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
    }

    // --- single use, expiry, proof -----------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("routesAndProfiles")
    void replayedVerifyThenAlreadyAnswered(Route route, DeviceProfile profile) {
        SimulatedDevice device = device(profile);
        enrol(user(), device);
        String challengeId = challenge(device, "signIn");
        assertThat(verify(route, device, challengeId).status()).isEqualTo(200);

        DeviceResponse replay = verify(route, device, challengeId);

        assertThat(replay.status()).as(replay.toString()).isEqualTo(409);
        assertThat(replay.text("errorCode")).isEqualTo("challenge_already_answered");
    }

    @ParameterizedTest
    @MethodSource("routesAndProfiles")
    void verifyAfterTheDeadlineThenExpired(Route route, DeviceProfile profile) {
        SimulatedDevice device = device(profile);
        enrol(user(), device);
        clock.freezeAt(Instant.now());
        String challengeId = challenge(device, "signIn");
        clock.advance(Duration.ofMinutes(2));

        DeviceResponse late = verify(route, device, challengeId);

        assertThat(late.status()).as(late.toString()).isEqualTo(410);
        assertThat(late.text("errorCode")).isEqualTo("challenge_expired");
    }

    @Test
    void unusedChallengeIsExpiredBySweeperWithChallengeExpiredEvent() throws Exception {
        SimulatedDevice device = device(DeviceProfile.ANDROID_3_8);
        enrol(user(), device);
        String challengeId = challenge(device, "signIn");

        clock.advance(Duration.ofMinutes(3));
        await().atMost(Duration.ofSeconds(15)).until(() -> "expired".equals(
                redis.hash(String.class).hget(ChallengeStore.key(challengeId), "state")));

        List<ConsumerRecord<String, String>> events = awaitTypes(challengeId, "challenge.created",
                "challenge.expired");
        JsonNode created = JSON.readTree(events.stream()
                .filter(record -> type(record).equals("dev.countersign.challenge.created")).findFirst().orElseThrow()
                .value());
        assertThat(created.get("kind").asText()).isEqualTo("in-app");
        assertThat(created.path("userId").isNull() || created.path("userId").isMissingNode()).isTrue();
        DeviceResponse late = verify(Route.IN_APP, device, challengeId);
        assertThat(late.status()).isEqualTo(410);
    }

    @ParameterizedTest
    @MethodSource("routesAndProfiles")
    void verifyWithWrongSignatureOrUnknownKeyOrChallengeThenRefused(Route route, DeviceProfile profile) {
        SimulatedDevice device = device(profile);
        enrol(user(), device);
        String challengeId = challenge(device, "signIn");

        WireJson forged = WireJson.object().put("challengeId", challengeId)
                .put("publicKey", device.publicKey(CredentialKind.IN_APP))
                .put("signature", device.sign(CredentialKind.IN_APP, "another message"));
        assertThat(device.post(route.path, device.basicAuthorization(), forged).status()).isEqualTo(401);

        SimulatedDevice stranger = device(profile);
        DeviceResponse unknown = verify(route, stranger, challengeId);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.text("errorCode")).isEqualTo("invalid_credential");

        DeviceResponse noChallenge = verify(route, device, UUID.randomUUID().toString());
        assertThat(noChallenge.status()).isEqualTo(404);
        assertThat(noChallenge.text("errorCode")).isEqualTo("not_found");

        // Still answerable after the refusals: they did not consume it.
        assertThat(verify(route, device, challengeId).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @MethodSource("routesAndProfiles")
    void verifyWithPushKeyThenInvalidCredential(Route route, DeviceProfile profile) {
        SimulatedDevice device = device(profile);
        enrol(user(), device, CredentialKind.PUSH);

        DeviceResponse refused = verify(route, device, challenge(device, "signIn"), device.basicAuthorization(),
                CredentialKind.PUSH);

        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.text("errorCode")).isEqualTo("invalid_credential");
    }

    @Test
    void legacyDeviceRouteAlsoAcceptsQrCodeKindDeviceCredential() throws Exception {
        SimulatedDevice device = device(DeviceProfile.ANDROID_3_8);
        String userId = user();
        String credentialId = enrol(userId, device, CredentialKind.QR_CODE);

        DeviceResponse verified = verify(Route.DEVICE, device, challenge(device, "signIn"), device.basicAuthorization(),
                CredentialKind.QR_CODE);

        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        assertThat(verified.text("userAuthenticatorId")).isEqualTo(credentialId);
        assertThat(validate(verified.text("token"), "signIn").get("isValid").asBoolean()).isTrue();
        // The modern in-app route takes in-app credentials only.
        assertThat(verify(Route.IN_APP, device, challenge(device, "signIn"), device.basicAuthorization(),
                CredentialKind.QR_CODE).status()).isEqualTo(404);
    }

    @Test
    void challengeWithInvalidActionThenInvalidRequest() {
        SimulatedDevice device = device(DeviceProfile.IOS_2_7);
        DeviceResponse refused = device.createInAppChallenge("not an action!");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.text("errorCode")).isEqualTo("invalid_request");
        assertThat(device.post("/client/challenge", null, WireJson.object()).status()).isEqualTo(401);
    }

    // --- attestation nonce -------------------------------------------------------------------------

    @Test
    void challengeUnderTrackTokenWithoutActionThenSignedNonceBoundToTheAction() {
        String userId = user();
        var tracked = server().contentType(ContentType.JSON).body(Map.of())
                .post("/v1/users/{userId}/actions/{action}", userId, "enrol")
                .then().statusCode(200).extract().jsonPath();
        SimulatedDevice device = device(DeviceProfile.ANDROID_3_8);

        DeviceResponse response = device.post("/client/challenge", "Bearer " + tracked.getString("token"),
                WireJson.object());

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        String nonce = response.text("nonce");
        assertThat(nonce).matches("[A-Za-z0-9_-]{16,500}");
        AttestationNonces.Verified verified = nonces.verify(nonce, TENANT, tracked.getString("idempotencyKey"));
        assertThat(verified.id()).isEqualTo(response.text("challengeId"));
        assertThat(verified.expiresAt()).isBetween(Instant.now().plusSeconds(240), Instant.now().plusSeconds(301));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> nonces.verify(nonce, TENANT, "another-key"))
                .hasMessageContaining("another action");
    }

    private static io.restassured.response.ValidatableResponse internalNonces(String secret, String tenantId,
            String idempotencyKey) {
        var request = io.restassured.RestAssured.given();
        if (secret != null) {
            request = request.header(dev.countersign.common.internal.InternalSecret.HEADER, secret);
        }
        return request.queryParam("tenantId", tenantId).queryParam("idempotencyKey", idempotencyKey)
                .get("/internal/v1/attestation-nonces").then();
    }

    @Test
    void issuedNoncesAreRecordedForTheActionAndListedToCredentialServiceTheLastFiveWhileUnexpired() {
        String userId = user();
        var tracked = server().contentType(ContentType.JSON).body(Map.of())
                .post("/v1/users/{userId}/actions/{action}", userId, "enrol")
                .then().statusCode(200).extract().jsonPath();
        String idempotencyKey = tracked.getString("idempotencyKey");
        SimulatedDevice device = device(DeviceProfile.IOS_2_7);
        List<String> issued = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            // A second apart: nonce expiries are whole seconds, and the ones expiring last are kept.
            clock.advance(Duration.ofSeconds(1));
            issued.add(device.post("/client/challenge", "Bearer " + tracked.getString("token"), WireJson.object())
                    .text("nonce"));
        }

        List<String> listed = internalNonces(TestTenants.INTERNAL_SECRET, TENANT, idempotencyKey).statusCode(200)
                .extract().jsonPath().getList("nonces", String.class);
        assertThat(listed).containsExactlyInAnyOrderElementsOf(issued.subList(1, 6));
        assertThat(internalNonces(TestTenants.INTERNAL_SECRET, TENANT, "another-key").statusCode(200)
                .extract().jsonPath().getList("nonces", String.class)).isEmpty();
        assertThat(redis.key().pttl(dev.countersign.challenge.inapp.AttestationNonceStore.key(TENANT, idempotencyKey)))
                .isBetween(1L, Duration.ofMinutes(5).toMillis());

        clock.advance(Duration.ofMinutes(6));
        assertThat(internalNonces(TestTenants.INTERNAL_SECRET, TENANT, idempotencyKey).statusCode(200)
                .extract().jsonPath().getList("nonces", String.class)).isEmpty();
    }

    @Test
    void attestationNoncesAreListedOnlyWithTheInternalSecret() {
        for (String secret : new String[] {null, "not-the-internal-secret-0123456789abcdef"}) {
            internalNonces(secret, TENANT, "any-key").statusCode(401)
                    .contentType(ContentType.JSON)
                    .body("errorCode", org.hamcrest.Matchers.equalTo("unauthorized"))
                    .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("nonces")));
        }
    }

    @Test
    void challengeUnderAccessTokenThenInsufficientScope() {
        String access = issuer.issue(TokenType.ACCESS, TENANT, user(), "signIn", UUID.randomUUID().toString(),
                java.util.Set.of(), null).token();
        DeviceResponse refused = device(DeviceProfile.IOS_2_7).post("/client/challenge", "Bearer " + access,
                WireJson.object());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.text("errorCode")).isEqualTo("insufficient_scope");
    }

    // --- budget ------------------------------------------------------------------------------------

    static io.restassured.response.ValidatableResponse createFrom(String clientIp) {
        // The test's loopback peer is a trusted proxy, as the edge is.
        return io.restassured.RestAssured.given().header("Authorization", QrChallengeTest.tenantBasic(TENANT))
                .header("X-Forwarded-For", clientIp).contentType(ContentType.JSON).body(Map.of())
                .post("/v1/client/challenge").then();
    }

    @Test
    void creationIsLimitedPerClientAddressAndARefusalStoresNothing() {
        String address = InitiationBudgetsTest.address();
        // The test budget: 10 per window.
        for (int i = 0; i < 10; i++) {
            createFrom(address).statusCode(200);
        }
        java.util.Set<String> before = InitiationBudgetsTest.challengeKeys(redis);
        String retryAfter = createFrom(address).statusCode(429)
                .body("error", org.hamcrest.Matchers.equalTo("too_many_requests"))
                .body("errorCode", org.hamcrest.Matchers.equalTo("too_many_requests"))
                .extract().header("Retry-After");
        assertThat(Long.parseLong(retryAfter)).isBetween(1L, 600L);
        assertThat(InitiationBudgetsTest.challengeKeys(redis)).isSubsetOf(before);
        // Another address is not held up; once the window has passed this one is let through again.
        createFrom(InitiationBudgetsTest.address()).statusCode(200);
        clock.advance(Duration.ofSeconds(Long.parseLong(retryAfter)));
        createFrom(address).statusCode(200);
    }

    @Test
    void aLoopbackAddressFromATrustedProxyIsLimitedLikeAnyOther() {
        // The test config exempts direct loopback peers (as the local run does), never an address a
        // proxy names: X-Forwarded-For: 127.0.0.1 through the edge must not escape the budget.
        String loopback = "127.0.1." + java.util.concurrent.ThreadLocalRandom.current().nextInt(1, 255);
        for (int i = 0; i < 10; i++) {
            createFrom(loopback).statusCode(200);
        }
        createFrom(loopback).statusCode(429).body("error", org.hamcrest.Matchers.equalTo("too_many_requests"));
    }

    @Test
    void aDirectLoopbackPeerIsNotLimitedPerAddressWhenTheSettingIsOn() {
        // countersign.exempt-loopback-peers=true in the test config; no X-Forwarded-For: the peer itself.
        for (int i = 0; i < 12; i++) {
            io.restassured.RestAssured.given().header("Authorization", QrChallengeTest.tenantBasic(TENANT))
                    .contentType(ContentType.JSON).body(Map.of()).post("/v1/client/challenge").then().statusCode(200);
        }
    }
}
