package dev.countersign.credential;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import dev.countersign.common.crypto.Sha256;
import dev.countersign.testkit.TestTenants;

import dev.countersign.testkit.Management;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/**
 * The packaged artifact (the jar; the native executable under -Pnative) on the real servers
 * (RealInfrastructure passes their addresses as system properties), configured the way the Helm
 * chart configures a pod: the {@code kubernetes} profile and an application.properties read through
 * {@code quarkus.config.locations} (the chart mounts it from its ConfigMap), tenants under quoted
 * keys as the chart renders them. It starts, migrates, is ready, and answers the Server API and the
 * internal read-through from PostgreSQL. (One class, one launch: each profile costs a start.)
 */
@QuarkusIntegrationTest
@TestProfile(PackagedCredentialServiceIT.ChartLikeConfiguration.class)
class PackagedCredentialServiceIT {

    static final String FILE_TENANT_SECRET = "sk_test_chart_file_tenant_0123456789";
    static final String PROFILE_TENANT_SECRET = "sk_test_chart_profile_tenant_0123456789";

    /** quarkus.profile=kubernetes and a properties file like the chart's ConfigMap (config_ordinal 270). */
    public static class ChartLikeConfiguration implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path file = Files.createTempFile("countersign-chart-", ".properties");
                Files.writeString(file, String.join("\n",
                        "# as deploy/helm's countersign-lib renders it",
                        "config_ordinal=270",
                        "countersign.tenants.\"Chart-File_Tenant\".secret-sha256=" + Sha256.hex(FILE_TENANT_SECRET),
                        "countersign.tenants.\"Chart-File_Tenant\".allowed-origins=https://a.example,https://b.example",
                        // Only read when the kubernetes profile is active.
                        "%kubernetes.countersign.tenants.\"k8s-profile-tenant\".secret-sha256=" + Sha256.hex(PROFILE_TENANT_SECRET),
                        ""));
                file.toFile().deleteOnExit();
                return Map.of("quarkus.profile", "kubernetes", "quarkus.config.locations", file.toUri().toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void managementPathsAreOnlyOnTheManagementPort() {
        given().when().get("/q/health/ready").then().statusCode(404).contentType(ContentType.JSON)
                .body("errorCode", equalTo("not_found"));
    }

    @Test
    void packagedServiceIsReadyWithDatabaseAndKafkaChecks() {
        Management.given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Database connections health check"));
        Management.given().when().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
        Management.given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
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
    void internalReadThroughNeedsTheSecretThenAnswersInvalidCredentialForAnUnknownKey() {
        // A well-formed P-256 SPKI (the curve's generator point) that no device ever enrolled here.
        String spki = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEaxfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpZP40Li/hp/m47n60p8D54WK84zV2sxXs7LtkBoN79R9Q==";
        given().queryParam("tenantId", TestTenants.TENANT_ID).queryParam("publicKey", spki).queryParam("kind", "push")
                .when().get("/internal/v1/credentials")
                .then().statusCode(401).body("error", equalTo("unauthorized"));
        given().header(dev.countersign.common.internal.InternalSecret.HEADER, TestTenants.INTERNAL_SECRET)
                .queryParam("tenantId", TestTenants.TENANT_ID).queryParam("publicKey", spki)
                .queryParam("kind", "push")
                .when().get("/internal/v1/credentials")
                .then().statusCode(404).body("error", equalTo("invalid_credential"));
    }

    @Test
    void tenantsFromTheMountedFileAndTheKubernetesProfileAuthenticate() {
        for (String secret : new String[] {FILE_TENANT_SECRET, PROFILE_TENANT_SECRET, TestTenants.SECRET_KEY}) {
            given().header("Authorization", TestTenants.serverAuthorization(secret))
                    .when().get("/v1/users/it-" + UUID.randomUUID() + "/authenticators")
                    .then().statusCode(200).contentType(ContentType.JSON).body("$", hasSize(0));
        }
    }
}
