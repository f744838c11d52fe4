package dev.countersign.challenge;

import static dev.countersign.challenge.ActionResourceTest.ISO_MILLIS;
import static dev.countersign.challenge.ActionResourceTest.server;
import static dev.countersign.challenge.ActionResourceTest.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.countersign.challenge.action.ActionService;
import dev.countersign.challenge.action.ActionStore;
import dev.countersign.challenge.action.ActionStore.Completion;
import dev.countersign.common.token.Scopes;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.common.token.TokenIssuer;
import dev.countersign.common.token.TokenType;
import dev.countersign.common.token.TokenVerifier;
import dev.countersign.testkit.TestTenants;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
class ValidateTest {

    @Inject
    ActionService actions;

    @Inject
    TokenIssuer issuer;

    @Inject
    TokenVerifier verifier;

    @Inject
    RedisDataSource redis;

    record Tracked(String userId, String idempotencyKey, String token) {
    }

    private Tracked track(String action) {
        String userId = user();
        String token = server().noContentType().post("/v1/users/{userId}/actions/{action}", userId, action)
                .then().statusCode(200).extract().path("token");
        return new Tracked(userId, verifier.verify(token).idempotencyKey(), token);
    }

    private static ValidatableResponse validate(String secret, Map<String, Object> body) {
        return server(secret).contentType(ContentType.JSON).body(body).post("/v1/validate").then()
                .statusCode(200).contentType(ContentType.JSON);
    }

    private static ValidatableResponse validate(Map<String, Object> body) {
        return validate(TestTenants.SECRET_KEY, body);
    }

    /** The access token a verification of the tracked action earns. */
    private String accessToken(Tracked tracked) {
        return issuer.issue(TokenType.ACCESS, TestTenants.TENANT_ID, tracked.userId(), "signIn",
                tracked.idempotencyKey(), Set.of(Scopes.READ_AUTHENTICATORS), null).token();
    }

    private void succeed(Tracked tracked) {
        assertThat(actions.complete(TestTenants.TENANT_ID, tracked.idempotencyKey(), true, "PUSH")
                .await().indefinitely()).isEqualTo(Completion.UPDATED);
    }

    @Test
    void validateWhenChallengeNotAnsweredThenNotValid() {
        Tracked tracked = track("signIn");
        validate(Map.of("token", tracked.token()))
                .body("isValid", equalTo(false))
                .body("state", equalTo("CHALLENGE_REQUIRED"))
                .body("userId", equalTo(tracked.userId()))
                .body("actionCode", equalTo("signIn"))
                .body("idempotencyKey", equalTo(tracked.idempotencyKey()))
                .body("$", not(hasKey("error")));
    }

    @Test
    void validateWhenChallengeSucceededThenValidAndRepeatable() {
        Tracked tracked = track("signIn");
        succeed(tracked);
        String access = accessToken(tracked);
        for (int i = 0; i < 2; i++) {
            validate(Map.of("token", access, "action", "signIn", "userId", tracked.userId()))
                    .body("isValid", equalTo(true))
                    .body("state", equalTo("CHALLENGE_SUCCEEDED"))
                    .body("stateUpdatedAt", matchesPattern(ISO_MILLIS))
                    .body("userId", equalTo(tracked.userId()))
                    .body("actionCode", equalTo("signIn"))
                    .body("idempotencyKey", equalTo(tracked.idempotencyKey()))
                    .body("verificationMethod", equalTo("PUSH"))
                    .body("$", not(hasKey("error")));
        }
        server().get("/v1/users/{userId}/actions/signIn/{key}", tracked.userId(), tracked.idempotencyKey())
                .then().statusCode(200).body("state", equalTo("CHALLENGE_SUCCEEDED"))
                .body("verificationMethod", equalTo("PUSH"));
    }

    @Test
    void trackTokenOfASucceededActionShowsTheActionButIsNeverValid() {
        Tracked tracked = track("signIn");
        succeed(tracked);
        // The backend holds the track token from the start: only the access token a verification
        // earned may vouch for the action.
        validate(Map.of("token", tracked.token(), "action", "signIn", "userId", tracked.userId()))
                .body("isValid", equalTo(false))
                .body("state", equalTo("CHALLENGE_SUCCEEDED"))
                .body("userId", equalTo(tracked.userId()))
                .body("idempotencyKey", equalTo(tracked.idempotencyKey()))
                .body("$", not(hasKey("error")));
        validate(Map.of("token", accessToken(tracked))).body("isValid", equalTo(true));
    }

    @Test
    void validateWhenOtherActionOrUserGivenThenNotValid() {
        Tracked tracked = track("signIn");
        succeed(tracked);
        String access = accessToken(tracked);
        validate(Map.of("token", access, "action", "payment"))
                .body("isValid", equalTo(false)).body("state", equalTo("CHALLENGE_SUCCEEDED"))
                .body("$", not(hasKey("error")));
        validate(Map.of("token", access, "userId", user()))
                .body("isValid", equalTo(false));
        validate(Map.of("token", access)).body("isValid", equalTo(true));
    }

    @Test
    void validateWhenChallengeFailedThenNotValidAndResultIsFinal() {
        Tracked tracked = track("signIn");
        assertThat(actions.complete(TestTenants.TENANT_ID, tracked.idempotencyKey(), false, "DEVICE")
                .await().indefinitely()).isEqualTo(Completion.UPDATED);
        assertThat(actions.complete(TestTenants.TENANT_ID, tracked.idempotencyKey(), true, "PUSH")
                .await().indefinitely()).isEqualTo(Completion.ALREADY_DECIDED);
        validate(Map.of("token", tracked.token()))
                .body("isValid", equalTo(false))
                .body("state", equalTo("CHALLENGE_FAILED"))
                .body("verificationMethod", equalTo("DEVICE"));
    }

    @Test
    void completeWhenActionUnknownOrNotWaitingThenNothingChanges() {
        assertThat(actions.complete(TestTenants.TENANT_ID, UUID.randomUUID().toString(), true, "PUSH")
                .await().indefinitely()).isEqualTo(Completion.NOT_FOUND);
        String key = server().noContentType().post("/v1/users/{userId}/actions/blockedAction", user())
                .then().statusCode(200).extract().path("idempotencyKey");
        assertThat(actions.complete(TestTenants.TENANT_ID, key, true, "PUSH").await().indefinitely())
                .isEqualTo(Completion.ALREADY_DECIDED);
        assertThat(redis.hash(String.class).hget(ActionStore.key(TestTenants.TENANT_ID, key), "state"))
                .isEqualTo("BLOCK");
    }

    @Test
    void validateWithSecretOfAnotherTenantThenInvalidToken() {
        Tracked tracked = track("signIn");
        succeed(tracked);
        validate(TestTenants.OTHER_SECRET_KEY, Map.of("token", tracked.token()))
                .body("isValid", equalTo(false))
                .body("error", equalTo("invalid_token"))
                .body("$", not(hasKey("state")))
                .body("$", not(hasKey("userId")));
    }

    @Test
    void validateWhenTokenExpiredThenExpiredToken() {
        Tracked tracked = track("signIn");
        succeed(tracked);
        TokenClaims claims = verifier.verify(tracked.token());
        Instant past = Instant.now().minusSeconds(3600);
        String expired = issuer.sign(new TokenClaims(UUID.randomUUID().toString(), TokenType.TRACK,
                claims.tenantId(), claims.userId(), claims.actionCode(), claims.idempotencyKey(), claims.scopes(),
                past, past.plusSeconds(600), null)).token();
        validate(Map.of("token", expired))
                .body("isValid", equalTo(false))
                .body("error", equalTo("expired_token"));
    }

    @Test
    void validateWhenTokenGarbageOrTamperedThenInvalidToken() {
        Tracked tracked = track("signIn");
        succeed(tracked);
        validate(Map.of("token", "not-a-token")).body("isValid", equalTo(false)).body("error", equalTo("invalid_token"));
        String[] parts = tracked.token().split("\\.");
        String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        validate(Map.of("token", tampered)).body("isValid", equalTo(false)).body("error", equalTo("invalid_token"));
    }

    @Test
    void validateWhenActionIsGoneThenInvalidToken() {
        Tracked tracked = track("signIn");
        succeed(tracked);
        redis.key().del(ActionStore.key(TestTenants.TENANT_ID, tracked.idempotencyKey()));
        validate(Map.of("token", tracked.token())).body("isValid", equalTo(false))
                .body("error", equalTo("invalid_token"));
    }

    @Test
    void validateWithoutTokenThenInvalidRequest() {
        Map<String, Object> noToken = new HashMap<>();
        noToken.put("action", "signIn");
        server().contentType(ContentType.JSON).body(noToken).post("/v1/validate")
                .then().statusCode(400).body("error", equalTo("invalid_request"));
        server().contentType(ContentType.JSON).body("{\"token\": null}").post("/v1/validate")
                .then().statusCode(400).body("error", equalTo("invalid_request"));
        server().contentType(ContentType.JSON).body("{\"token\": 12}").post("/v1/validate")
                .then().statusCode(400).body("error", equalTo("invalid_request"));
        server().noContentType().post("/v1/validate").then().statusCode(400).body("error", equalTo("invalid_request"));
    }

    @Test
    void validateWithoutSecretThenUnauthorized() {
        Tracked tracked = track("signIn");
        io.restassured.RestAssured.given().contentType(ContentType.JSON).body(Map.of("token", tracked.token()))
                .post("/v1/validate").then().statusCode(401).body("error", equalTo("unauthorized"));
        // A client token is no Server API credential.
        io.restassured.RestAssured.given().header("Authorization", "Bearer " + tracked.token())
                .contentType(ContentType.JSON).body(Map.of("token", tracked.token()))
                .post("/v1/validate").then().statusCode(401).body("error", equalTo("unauthorized"));
    }
}
