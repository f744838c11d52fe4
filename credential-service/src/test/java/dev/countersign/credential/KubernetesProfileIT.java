package dev.countersign.credential;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasSize;

import dev.countersign.common.tenant.Tenants;
import dev.countersign.testkit.TestTenants;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/**
 * The packaged artifact configured the way the Helm chart configures a pod: the {@code kubernetes}
 * profile and an application.properties read through {@code quarkus.config.locations} (the chart
 * mounts it from its ConfigMap), with tenants under quoted keys as the chart renders them.
 */
@QuarkusIntegrationTest
@TestProfile(KubernetesProfileIT.ChartLikeConfiguration.class)
class KubernetesProfileIT {

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
                        "countersign.tenants.\"Chart-File.Tenant\".secret-sha256=" + sha256(FILE_TENANT_SECRET),
                        "countersign.tenants.\"Chart-File.Tenant\".allowed-origins=https://a.example,https://b.example",
                        // Only read when the kubernetes profile is active.
                        "%kubernetes.countersign.tenants.\"k8s-profile-tenant\".secret-sha256=" + sha256(PROFILE_TENANT_SECRET),
                        ""));
                file.toFile().deleteOnExit();
                return Map.of("quarkus.profile", "kubernetes", "quarkus.config.locations", file.toUri().toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static String sha256(String secret) {
        return HexFormat.of().formatHex(Tenants.sha256(secret));
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
