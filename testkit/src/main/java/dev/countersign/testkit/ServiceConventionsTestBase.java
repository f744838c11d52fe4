package dev.countersign.testkit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;

import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.countersign.common.internal.InternalSecret;

/**
 * What every service offers operators and clients alike, checked on the real servers: health
 * with readiness over the servers it uses, metrics and OpenAPI on the management port and nowhere
 * else, its name on every response, the error model's JSON for paths it does not serve, and
 * {@code /internal/*} only with the shared secret. A service's test extends this as a
 * {@code @QuarkusTest}.
 */
public abstract class ServiceConventionsTestBase {

    /** The service's {@code quarkus.application.name}, as in routes.yaml. */
    protected abstract String serviceName();

    /** Names of the readiness checks that must be present and UP (Kafka, Redis, PostgreSQL...). */
    protected abstract List<String> readinessChecks();

    @Test
    void readyWhenEveryServerItUsesIsUp() {
        JsonPath health = Management.given().when().get("/q/health/ready")
                .then().statusCode(200).body("status", equalTo("UP"))
                .extract().jsonPath();
        List<String> up = health.getList("checks.findAll { it.status == 'UP' }.name");
        assertThat(up).containsAll(readinessChecks());
    }

    @Test
    void liveAndStartedAnswerUp() {
        Management.given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        Management.given().when().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsAreExposedForPrometheus() {
        Management.given().when().get("/q/metrics")
                .then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void openApiDocumentIsServed() {
        Management.given().accept("application/json").when().get("/q/openapi")
                .then().statusCode(200).body("openapi", org.hamcrest.Matchers.startsWith("3."));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/q/health", "/q/health/ready", "/q/metrics", "/q/openapi", "/q/no-such-thing"})
    void managementPathsOnTheApiPortAreJsonNotFound(String path) {
        given().when().get(path)
                .then().statusCode(404)
                .contentType("application/json")
                .body("errorCode", equalTo("not_found"));
    }

    @Test
    void theManagementPortServesNothingButManagement() {
        Management.given().when().get("/v1/no-such-path").then().statusCode(404);
        Management.given().when().get("/internal/v1/credentials").then().statusCode(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/internal/v1/credentials", "/internal/v1/user-credentials", "/internal/no-such-thing", "/internal"})
    void internalPathsWithoutTheSecretAreJsonUnauthorized(String path) {
        given().urlEncodingEnabled(false).when().get(path)
                .then().statusCode(401)
                .contentType("application/json")
                .body("errorCode", equalTo("unauthorized"));
        given().urlEncodingEnabled(false).header(InternalSecret.HEADER, TestTenants.INTERNAL_SECRET + "x")
                .when().get(path)
                .then().statusCode(401)
                .contentType("application/json")
                .body("errorCode", equalTo("unauthorized"));
        // The public schemes are no way in either.
        given().urlEncodingEnabled(false).header("Authorization", TestTenants.serverAuthorization(TestTenants.SECRET_KEY))
                .when().get(path)
                .then().statusCode(401)
                .body("errorCode", equalTo("unauthorized"));
    }

    @Test
    void anUnknownInternalPathWithTheSecretIsJsonNotFound() {
        given().header(InternalSecret.HEADER, TestTenants.INTERNAL_SECRET).when().get("/internal/no-such-thing")
                .then().statusCode(404).contentType("application/json").body("errorCode", equalTo("not_found"));
    }

    @Test
    void unknownPathGetsJsonNotFoundWithoutNamingTheServiceByDefault() {
        // countersign.service-name-header is off unless a deployment (the local run) turns it on.
        given().when().get("/v1/no-such-path")
                .then().statusCode(404)
                .header("X-Countersign-Service", org.hamcrest.Matchers.nullValue())
                .contentType("application/json")
                .body("error", equalTo("not_found"))
                .body("errorCode", equalTo("not_found"))
                .body("errorDescription", org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()));
    }
}
