package dev.countersign.testkit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;

import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

/**
 * What every service offers operators and clients alike, checked on the real servers: health
 * with readiness over the servers it uses, metrics, OpenAPI, its name on every response, and the
 * error model's JSON for paths it does not serve. A service's test extends this as a
 * {@code @QuarkusTest}.
 */
public abstract class ServiceConventionsTestBase {

    /** The service's {@code quarkus.application.name}, as in routes.yaml. */
    protected abstract String serviceName();

    /** Names of the readiness checks that must be present and UP (Kafka, Redis, PostgreSQL...). */
    protected abstract List<String> readinessChecks();

    @Test
    void readyWhenEveryServerItUsesIsUp() {
        JsonPath health = given().when().get("/q/health/ready")
                .then().statusCode(200).body("status", equalTo("UP"))
                .extract().jsonPath();
        List<String> up = health.getList("checks.findAll { it.status == 'UP' }.name");
        assertThat(up).containsAll(readinessChecks());
    }

    @Test
    void liveAndStartedAnswerUp() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsAreExposedForPrometheus() {
        given().when().get("/q/metrics")
                .then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void openApiDocumentIsServed() {
        given().accept("application/json").when().get("/q/openapi")
                .then().statusCode(200).body("openapi", org.hamcrest.Matchers.startsWith("3."));
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
