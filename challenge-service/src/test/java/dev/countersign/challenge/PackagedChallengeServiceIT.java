package dev.countersign.challenge;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.countersign.testkit.TestTenants;
import dev.countersign.testkit.Management;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;

/**
 * The packaged artifact (the jar; the native executable under -Pnative) on the real servers: it is
 * ready, tracks an action in Redis with an ES256 track token (BouncyCastle), and reads it back.
 */
@QuarkusIntegrationTest
class PackagedChallengeServiceIT {

    private static final String SERVER = TestTenants.serverAuthorization(TestTenants.SECRET_KEY);

    @Test
    void packagedServiceIsReady() {
        Management.given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        Management.given().when().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
        Management.given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void trackIssuesAnEs256TokenAndTheActionCanBeReadBack() {
        String user = "it-user-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        String token = given().header("Authorization", SERVER).contentType(ContentType.JSON)
                .body(Map.of("idempotencyKey", key, "custom", Map.of("amount", 12.5)))
                .when().post("/v1/users/{userId}/actions/signIn", user)
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("state", equalTo("CHALLENGE_REQUIRED"))
                .body("idempotencyKey", equalTo(key))
                .extract().path("token");
        // header.payload.signature, the header naming ES256.
        org.assertj.core.api.Assertions.assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        String header = new String(java.util.Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                java.nio.charset.StandardCharsets.UTF_8);
        org.assertj.core.api.Assertions.assertThat(header).contains("\"alg\":\"ES256\"");

        given().header("Authorization", SERVER)
                .when().get("/v1/users/{userId}/actions/signIn/{key}", user, key)
                .then().statusCode(200)
                .body("state", equalTo("CHALLENGE_REQUIRED"))
                .body("createdAt", matchesPattern("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z"));
    }
}
