package dev.countersign.challenge;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.countersign.challenge.action.ActionStore;
import dev.countersign.common.token.Scopes;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.common.token.TokenType;
import dev.countersign.common.token.TokenVerifier;
import dev.countersign.testkit.TestTenants;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
class ActionResourceTest {

    static final String ISO_MILLIS = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    @Inject
    TokenVerifier verifier;

    @Inject
    RedisDataSource redis;

    static RequestSpecification server() {
        return server(TestTenants.SECRET_KEY);
    }

    static RequestSpecification server(String secret) {
        return given().header("Authorization", TestTenants.serverAuthorization(secret));
    }

    static String user() {
        return "user-" + UUID.randomUUID();
    }

    @Test
    void trackIssuesTrackTokenForTheUserActionKeyAndScopes() {
        String userId = user();
        String key = UUID.randomUUID().toString();
        JsonPath body = server().contentType(ContentType.JSON)
                .body(Map.of("idempotencyKey", key, "scope", "add:authenticators read:authenticators",
                        "username", "alice", "ipAddress", "1.2.3.4", "userAgent", "Mozilla/5.0",
                        "custom", Map.of("amount", 12.5, "vip", true, "note", "x")))
                .post("/v1/users/{userId}/actions/signIn", userId)
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("$", not(hasKey("error")))
                .body("$", not(hasKey("defaultVerificationMethod")))
                .body("state", equalTo("CHALLENGE_REQUIRED"))
                .body("idempotencyKey", equalTo(key))
                .body("isEnrolled", equalTo(false))
                .body("enrolledVerificationMethods", equalTo(List.of()))
                .body("allowedVerificationMethods", equalTo(List.of("PUSH", "DEVICE")))
                .body("ruleIds", equalTo(List.of()))
                .extract().jsonPath();

        TokenClaims claims = verifier.verify(body.getString("token"));
        assertThat(claims.type()).isEqualTo(TokenType.TRACK);
        assertThat(claims.tenantId()).isEqualTo(TestTenants.TENANT_ID);
        assertThat(claims.userId()).isEqualTo(userId);
        assertThat(claims.actionCode()).isEqualTo("signIn");
        assertThat(claims.idempotencyKey()).isEqualTo(key);
        assertThat(claims.username()).isEqualTo("alice");
        assertThat(claims.scopes()).containsExactlyInAnyOrder(Scopes.ADD_AUTHENTICATORS, Scopes.READ_AUTHENTICATORS);

        String redisKey = ActionStore.key(TestTenants.TENANT_ID, key);
        Map<String, String> stored = redis.hash(String.class).hgetall(redisKey);
        assertThat(stored).containsEntry("userId", userId).containsEntry("actionCode", "signIn")
                .containsEntry("state", "CHALLENGE_REQUIRED").containsEntry("ipAddress", "1.2.3.4")
                .containsEntry("userAgent", "Mozilla/5.0").containsKeys("createdAt", "stateUpdatedAt", "custom");
        assertThat(stored.get("custom")).contains("\"amount\":12.5").contains("\"vip\":true");
        assertThat(redis.key().pttl(redisKey)).isBetween(Duration.ofDays(1).minusMinutes(1).toMillis(),
                Duration.ofDays(1).toMillis());
    }

    @Test
    void trackWithoutBodyGeneratesIdempotencyKeyAndDefaultScope() {
        String userId = user();
        JsonPath body = server().noContentType().post("/v1/users/{userId}/actions/signIn", userId)
                .then().statusCode(200)
                .body("state", equalTo("CHALLENGE_REQUIRED"))
                .body("idempotencyKey", matchesPattern("[0-9a-f-]{36}"))
                .extract().jsonPath();
        TokenClaims claims = verifier.verify(body.getString("token"));
        assertThat(claims.scopes()).containsExactly(Scopes.READ_AUTHENTICATORS);
        assertThat(claims.idempotencyKey()).isEqualTo(body.getString("idempotencyKey"));

        server().contentType(ContentType.JSON).body("{}").post("/v1/users/{userId}/actions/signIn", userId)
                .then().statusCode(200).body("state", equalTo("CHALLENGE_REQUIRED"));
    }

    @Test
    void trackTwiceWithSameKeyThenSameActionAndOneRedisKey() {
        String userId = user();
        String key = "order-" + UUID.randomUUID();
        String first = server().contentType(ContentType.JSON).body(Map.of("idempotencyKey", key))
                .post("/v1/users/{userId}/actions/payment", userId)
                .then().statusCode(200).body("idempotencyKey", equalTo(key)).extract().path("token");
        String createdAt = redis.hash(String.class).hget(ActionStore.key(TestTenants.TENANT_ID, key), "createdAt");

        String second = server().contentType(ContentType.JSON).body(Map.of("idempotencyKey", key))
                .post("/v1/users/{userId}/actions/payment", userId)
                .then().statusCode(200).body("idempotencyKey", equalTo(key))
                .body("state", equalTo("CHALLENGE_REQUIRED")).extract().path("token");

        assertThat(verifier.verify(second).idempotencyKey()).isEqualTo(verifier.verify(first).idempotencyKey());
        assertThat(redis.key().keys("cs:{a:" + TestTenants.TENANT_ID + ":" + key + "}*")).hasSize(1);
        assertThat(redis.hash(String.class).hget(ActionStore.key(TestTenants.TENANT_ID, key), "createdAt"))
                .isEqualTo(createdAt);
    }

    @Test
    void concurrentTracksWithSameKeyCreateOneAction() throws Exception {
        String userId = user();
        String key = UUID.randomUUID().toString();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> server().contentType(ContentType.JSON)
                        .body(Map.of("idempotencyKey", key, "ipAddress", "10.0.0." + Thread.currentThread().getId()))
                        .post("/v1/users/{userId}/actions/signIn", userId).statusCode(), pool));
            }
            for (CompletableFuture<Integer> call : calls) {
                assertThat(call.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdown();
        }
        assertThat(redis.key().keys("cs:{a:" + TestTenants.TENANT_ID + ":" + key + "}*")).hasSize(1);
    }

    @Test
    void trackWithKeyOfAnotherUserOrActionThenRefused() {
        String key = UUID.randomUUID().toString();
        String userId = user();
        server().contentType(ContentType.JSON).body(Map.of("idempotencyKey", key))
                .post("/v1/users/{userId}/actions/signIn", userId).then().statusCode(200);

        server().contentType(ContentType.JSON).body(Map.of("idempotencyKey", key))
                .post("/v1/users/{userId}/actions/signIn", user())
                .then().statusCode(400).body("error", equalTo("invalid_request"))
                .body("errorCode", equalTo("invalid_request"));
        server().contentType(ContentType.JSON).body(Map.of("idempotencyKey", key))
                .post("/v1/users/{userId}/actions/payment", userId)
                .then().statusCode(400).body("error", equalTo("invalid_request"));
        assertThat(redis.hash(String.class).hget(ActionStore.key(TestTenants.TENANT_ID, key), "userId"))
                .isEqualTo(userId);
    }

    @Test
    void trackSameKeyInAnotherTenantIsAnotherAction() {
        String key = UUID.randomUUID().toString();
        server().contentType(ContentType.JSON).body(Map.of("idempotencyKey", key))
                .post("/v1/users/{userId}/actions/signIn", user()).then().statusCode(200);
        server(TestTenants.OTHER_SECRET_KEY).contentType(ContentType.JSON).body(Map.of("idempotencyKey", key))
                .post("/v1/users/{userId}/actions/signIn", user()).then().statusCode(200)
                .body("idempotencyKey", equalTo(key));
    }

    @Test
    void trackWhenActionNameInvalidThenRefused() {
        for (String action : List.of("sign.in", "sign%20in", "a".repeat(65), "s@y", "sign~in")) {
            server().noContentType().urlEncodingEnabled(false).post("/v1/users/" + user() + "/actions/" + action)
                    .then().statusCode(400).contentType(ContentType.JSON).body("error", equalTo("invalid_request"));
        }
        server().noContentType().post("/v1/users/{userId}/actions/{action}", user(), "a".repeat(64)).then().statusCode(200);
    }

    @Test
    void trackWithoutValidSecretThenUnauthorized() {
        given().post("/v1/users/{userId}/actions/signIn", user())
                .then().statusCode(401).body("error", equalTo("unauthorized"));
        server("sk_unknown_secret").post("/v1/users/{userId}/actions/signIn", user())
                .then().statusCode(401).body("error", equalTo("unauthorized"));
        // The tenant id is the Client API's Basic; it is no Server API secret.
        server(TestTenants.TENANT_ID).noContentType().post("/v1/users/{userId}/actions/signIn", user())
                .then().statusCode(401).body("error", equalTo("unauthorized"));
        given().header("Authorization", "Bearer x.y.z").post("/v1/users/{userId}/actions/signIn", user())
                .then().statusCode(401).body("error", equalTo("unauthorized"));
    }

    @Test
    void trackWithMalformedOrWrongTypedBodyThenInvalidRequest() {
        for (String body : List.of("{", "[]", "\"x\"", "{\"ipAddress\": 12}", "{\"scope\": true}",
                "{\"idempotencyKey\": {}}", "{\"custom\": \"x\"}", "{\"custom\": {\"nested\": {\"a\": 1}}}",
                "{\"custom\": {\"list\": [1]}}", "{\"redirectToSettings\": \"yes\"}", "{\"idempotencyKey\": \"\"}",
                "{} {}")) {
            server().contentType(ContentType.JSON).body(body).post("/v1/users/{userId}/actions/signIn", user())
                    .then().statusCode(400).contentType(ContentType.JSON)
                    .body("error", equalTo("invalid_request"))
                    .body("errorDescription", not(equalTo(null)));
        }
    }

    @Test
    void trackWithUnknownAttributesIgnoresThem() {
        server().contentType(ContentType.JSON).body("{\"futureAttribute\": {\"a\": [1]}, \"locale\": \"en\"}")
                .post("/v1/users/{userId}/actions/signIn", user())
                .then().statusCode(200).body("state", equalTo("CHALLENGE_REQUIRED"));
    }

    @Test
    void trackWithTwoMegabyteBodyThenPayloadTooLarge() {
        String big = "{\"custom\": {\"x\": \"" + "a".repeat(2 * 1024 * 1024) + "\"}}";
        server().contentType(ContentType.JSON).body(big).post("/v1/users/{userId}/actions/signIn", user())
                .then().statusCode(413).contentType(ContentType.JSON).body("error", equalTo("payload_too_large"));
    }

    @Test
    void trackWithTextBodyThenUnsupportedMediaType() {
        server().contentType(ContentType.TEXT).body("hello").post("/v1/users/{userId}/actions/signIn", user())
                .then().statusCode(415).contentType(ContentType.JSON).body("error", equalTo("unsupported_media_type"));
    }

    @Test
    void trackOfBlockedActionThenBlockWithoutToken() {
        String key = UUID.randomUUID().toString();
        server().contentType(ContentType.JSON).body(Map.of("idempotencyKey", key))
                .post("/v1/users/{userId}/actions/blockedAction", user())
                .then().statusCode(200)
                .body("state", equalTo("BLOCK"))
                .body("idempotencyKey", equalTo(key))
                .body("$", not(hasKey("token")))
                .body("$", not(hasKey("error")));
        assertThat(redis.hash(String.class).hget(ActionStore.key(TestTenants.TENANT_ID, key), "state"))
                .isEqualTo("BLOCK");
    }

    @Test
    void trackOfAllowedActionThenAllowWithToken() {
        String token = server().noContentType().post("/v1/users/{userId}/actions/allowedAction", user())
                .then().statusCode(200).body("state", equalTo("ALLOW")).extract().path("token");
        assertThat(verifier.verify(token).actionCode()).isEqualTo("allowedAction");
    }

    @Test
    void actionStatesAreConfiguredPerTenant() {
        server(TestTenants.OTHER_SECRET_KEY).noContentType().post("/v1/users/{userId}/actions/blockedAction", user())
                .then().statusCode(200).body("state", equalTo("CHALLENGE_REQUIRED"));
    }

    @Test
    void getActionAnswersStateAndTimestamps() {
        String userId = user();
        String key = UUID.randomUUID().toString();
        server().contentType(ContentType.JSON).body(Map.of("idempotencyKey", key))
                .post("/v1/users/{userId}/actions/signIn", userId).then().statusCode(200);

        server().get("/v1/users/{userId}/actions/signIn/{key}", userId, key)
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("state", equalTo("CHALLENGE_REQUIRED"))
                .body("createdAt", matchesPattern(ISO_MILLIS))
                .body("stateUpdatedAt", matchesPattern(ISO_MILLIS))
                .body("rules", equalTo(List.of()))
                .body("ruleIds", equalTo(List.of()))
                .body("$", not(hasKey("verificationMethod")))
                .body("$", not(hasKey("error")));
    }

    @Test
    void getActionOfAnotherUserActionOrTenantThenNotFound() {
        String userId = user();
        String key = UUID.randomUUID().toString();
        server().contentType(ContentType.JSON).body(Map.of("idempotencyKey", key))
                .post("/v1/users/{userId}/actions/signIn", userId).then().statusCode(200);

        server().get("/v1/users/{userId}/actions/signIn/{key}", user(), key)
                .then().statusCode(404).body("error", equalTo("not_found"));
        server().get("/v1/users/{userId}/actions/payment/{key}", userId, key)
                .then().statusCode(404).body("error", equalTo("not_found"));
        server().get("/v1/users/{userId}/actions/signIn/{key}", userId, UUID.randomUUID())
                .then().statusCode(404).body("error", equalTo("not_found"));
        server(TestTenants.OTHER_SECRET_KEY).get("/v1/users/{userId}/actions/signIn/{key}", userId, key)
                .then().statusCode(404).body("error", equalTo("not_found"));
        given().get("/v1/users/{userId}/actions/signIn/{key}", userId, key)
                .then().statusCode(401).body("error", containsString("unauthorized"));
    }
}
