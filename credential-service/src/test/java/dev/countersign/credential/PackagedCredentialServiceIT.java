package dev.countersign.credential;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import dev.countersign.testkit.TestTenants;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;

import java.util.UUID;

import org.junit.jupiter.api.Test;

/**
 * The packaged artifact (the jar; the native executable under -Pnative) on the real servers
 * (RealInfrastructure passes their addresses as system properties): it starts, migrates, is ready,
 * and answers the Server API and the internal read-through from PostgreSQL.
 */
@QuarkusIntegrationTest
class PackagedCredentialServiceIT {

    @Test
    void packagedServiceIsReadyWithDatabaseAndKafkaChecks() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Database connections health check"));
        given().when().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void serverApiListsNoAuthenticatorsForANewUserAndRefusesAWrongSecret() {
        String user = "it-user-" + UUID.randomUUID();
        given().header("Authorization", TestTenants.serverAuthorization(TestTenants.SECRET_KEY))
                .when().get("/v1/users/" + user + "/authenticators")
                .then().statusCode(200).contentType(ContentType.JSON).body("$", hasSize(0));
        given().header("Authorization", TestTenants.serverAuthorization("sk_wrong"))
                .when().get("/v1/users/" + user + "/authenticators")
                .then().statusCode(401).body("error", equalTo("unauthorized"));
    }

    @Test
    void internalReadThroughAnswersInvalidCredentialForAnUnknownKey() {
        // A well-formed P-256 SPKI (the curve's generator point) that no device ever enrolled here.
        String spki = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEaxfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpZP40Li/hp/m47n60p8D54WK84zV2sxXs7LtkBoN79R9Q==";
        given().queryParam("tenantId", TestTenants.TENANT_ID).queryParam("publicKey", spki).queryParam("kind", "push")
                .when().get("/internal/v1/credentials")
                .then().statusCode(404).body("error", equalTo("invalid_credential"));
    }
}
