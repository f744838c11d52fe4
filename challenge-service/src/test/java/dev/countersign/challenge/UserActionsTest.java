package dev.countersign.challenge;

import static dev.countersign.challenge.ActionResourceTest.server;
import static dev.countersign.challenge.ActionResourceTest.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.countersign.testkit.SettableClock;
import dev.countersign.testkit.TestTenants;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** Server API query and review of a user's actions (docs/protocol/wire.md#54-get-update-and-query-actions), as @authsignal/node calls them. */
@QuarkusTest
class UserActionsTest {

    @Inject
    SettableClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static String track(String userId, String action) {
        return server().contentType(ContentType.JSON).body(Map.of())
                .post("/v1/users/{userId}/actions/{action}", userId, action)
                .then().statusCode(200).extract().jsonPath().getString("idempotencyKey");
    }

    static JsonPath list(String userId, String query) {
        return server().get("/v1/users/{userId}/actions" + query, userId)
                .then().statusCode(200).contentType(ContentType.JSON).extract().jsonPath();
    }

    @Test
    void listAnswersTheUsersActionsNewestFirstWithTheirStates() {
        String userId = user();
        Instant start = Instant.parse("2026-11-30T01:00:00Z");
        clock.freezeAt(start);
        String first = track(userId, "signIn");
        clock.advance(Duration.ofMinutes(1));
        String second = track(userId, "transfer");
        clock.advance(Duration.ofMinutes(1));
        String third = track(userId, "signIn");
        track(user(), "signIn"); // another user's

        JsonPath all = list(userId, "");

        assertThat(all.getList("idempotencyKey")).containsExactly(third, second, first);
        assertThat(all.getList("actionCode")).containsExactly("signIn", "transfer", "signIn");
        assertThat(all.getList("state")).containsOnly("CHALLENGE_REQUIRED");
        assertThat(all.getString("[2].createdAt")).isEqualTo("2026-11-30T01:00:00.000Z");
        assertThat(all.getString("[0].updatedAt")).isEqualTo("2026-11-30T01:02:00.000Z");
        assertThat(all.getString("[0].stateUpdatedAt")).isEqualTo("2026-11-30T01:02:00.000Z");
    }

    @Test
    void listFiltersByFromDateCodesAndState() {
        String userId = user();
        clock.freezeAt(Instant.parse("2026-11-30T02:00:00Z"));
        String signIn = track(userId, "signIn");
        clock.advance(Duration.ofMinutes(5));
        String transfer = track(userId, "transfer");
        String withdraw = track(userId, "withdraw");
        server().contentType(ContentType.JSON).body(Map.of("state", "REVIEW_REQUIRED"))
                .patch("/v1/users/{userId}/actions/withdraw/{key}", userId, withdraw).then().statusCode(200);

        assertThat(list(userId, "?fromDate=2026-11-30T02:01:00.000Z").getList("idempotencyKey", String.class))
                .containsExactlyInAnyOrder(transfer, withdraw);
        assertThat(list(userId, "?codes=signIn,transfer").getList("idempotencyKey", String.class))
                .containsExactlyInAnyOrder(signIn, transfer);
        assertThat(list(userId, "?state=REVIEW_REQUIRED").getList("idempotencyKey", String.class))
                .containsExactly(withdraw);
        assertThat(list(userId, "?codes=signIn&state=REVIEW_REQUIRED").getList("$")).isEmpty();
        assertThat(list(user(), "").getList("$")).isEmpty();
    }

    @Test
    void listWithBadFilterThenInvalidRequest() {
        server().get("/v1/users/{userId}/actions?fromDate=yesterday", user()).then().statusCode(400)
                .body("errorCode", equalTo("invalid_request"));
        server().get("/v1/users/{userId}/actions?state=DONE", user()).then().statusCode(400)
                .body("errorCode", equalTo("invalid_request"));
        server(TestTenants.OTHER_SECRET_KEY).get("/v1/users/{userId}/actions", user()).then().statusCode(200);
    }

    @Test
    void listIsTenantScoped() {
        String userId = user();
        track(userId, "signIn");
        assertThat(server(TestTenants.OTHER_SECRET_KEY).get("/v1/users/{userId}/actions", userId)
                .then().statusCode(200).extract().jsonPath().getList("$")).isEmpty();
    }

    @Test
    void reviewMovesRequiredToSucceededOrFailedOnce() {
        String userId = user();
        String key = track(userId, "withdraw");
        String path = "/v1/users/{userId}/actions/withdraw/{key}";

        server().contentType(ContentType.JSON).body(Map.of("state", "REVIEW_REQUIRED")).patch(path, userId, key)
                .then().statusCode(200).body("state", equalTo("REVIEW_REQUIRED"))
                .body("stateUpdatedAt", matchesPattern(ActionResourceTest.ISO_MILLIS));
        server().contentType(ContentType.JSON).body(Map.of("state", "REVIEW_SUCCEEDED")).patch(path, userId, key)
                .then().statusCode(200).body("state", equalTo("REVIEW_SUCCEEDED"));
        server().get(path, userId, key).then().statusCode(200).body("state", equalTo("REVIEW_SUCCEEDED"));
        // Decided: not again, not the other way.
        server().contentType(ContentType.JSON).body(Map.of("state", "REVIEW_FAILED")).patch(path, userId, key)
                .then().statusCode(400).body("errorCode", equalTo("invalid_request"));
        server().contentType(ContentType.JSON).body(Map.of("state", "REVIEW_REQUIRED")).patch(path, userId, key)
                .then().statusCode(400);
        // Repeating the same decision is harmless.
        server().contentType(ContentType.JSON).body(Map.of("state", "REVIEW_SUCCEEDED")).patch(path, userId, key)
                .then().statusCode(200).body("state", equalTo("REVIEW_SUCCEEDED"));
    }

    @Test
    void reviewRefusesResultsWithoutReviewChallengeStatesAndForeignActions() {
        String userId = user();
        String key = track(userId, "withdraw");
        String path = "/v1/users/{userId}/actions/{action}/{key}";
        for (String state : List.of("REVIEW_SUCCEEDED", "CHALLENGE_SUCCEEDED", "ALLOW", "nonsense")) {
            server().contentType(ContentType.JSON).body(Map.of("state", state)).patch(path, userId, "withdraw", key)
                    .then().statusCode(400).body("errorCode", equalTo("invalid_request"));
        }
        server().contentType(ContentType.JSON).body(Map.of()).patch(path, userId, "withdraw", key).then().statusCode(400);
        server().contentType(ContentType.JSON).body(Map.of("state", "REVIEW_REQUIRED"))
                .patch(path, userId, "signIn", key).then().statusCode(404).body("errorCode", equalTo("not_found"));
        server().contentType(ContentType.JSON).body(Map.of("state", "REVIEW_REQUIRED"))
                .patch(path, user(), "withdraw", key).then().statusCode(404);
        server(TestTenants.OTHER_SECRET_KEY).contentType(ContentType.JSON).body(Map.of("state", "REVIEW_REQUIRED"))
                .patch(path, userId, "withdraw", key).then().statusCode(404);
        server().get(path, userId, "withdraw", key).then().body("state", equalTo("CHALLENGE_REQUIRED"));
    }
}
