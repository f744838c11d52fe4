package dev.countersign.local.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantAttestationTest {

    private static final Map<String, String> NO_PROPERTIES = Map.of();

    @Test
    void eachTenantsSettingsAreReadFromTheServicesOwnVariablesAndPassedToCredentialServiceUnderThem() {
        Map<String, String> environment = Map.of(
                "COUNTERSIGN_TENANTS__DEMO__ATTESTATION_IOS_MODE", "enforce",
                "COUNTERSIGN_TENANTS__DEMO__ATTESTATION_IOS_APP_ID", "TEAM123456.com.example.app",
                "COUNTERSIGN_TENANTS__OTHER_CO__ATTESTATION_ANDROID_MODE", "record",
                "COUNTERSIGN_TENANTS__OTHER_CO__ATTESTATION_ANDROID_PACKAGE_NAME", "com.example.app",
                "COUNTERSIGN_TENANTS__OTHER_CO__ATTESTATION_ANDROID_DECRYPTION_KEY", "ZGVj",
                "COUNTERSIGN_TENANTS__OTHER_CO__ATTESTATION_ANDROID_VERIFICATION_KEY", "dmVy",
                "COUNTERSIGN_TENANTS__OTHER_CO__ATTESTATION_ANDROID_MAX_TOKEN_AGE", "PT1M",
                "COUNTERSIGN_TENANTS", "demo,acme,Other-Co");

        TenantAttestation attestation = TenantAttestation.read(List.of("demo", "acme", "Other-Co"), environment,
                NO_PROPERTIES::get, List.of());

        assertThat(attestation.tenants()).containsOnlyKeys("demo", "Other-Co");
        assertThat(attestation.tenants().get("demo"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("ios.mode", "enforce", "ios.app-id", "TEAM123456.com.example.app"));
        assertThat(attestation.tenants().get("Other-Co")).containsEntry("android.decryption-key", "ZGVj")
                .containsEntry("android.max-token-age", "PT1M").hasSize(5);
        Map<String, String> passed = new java.util.HashMap<>(environment);
        passed.remove("COUNTERSIGN_TENANTS");
        assertThat(attestation.credentialEnvironment()).containsExactlyInAnyOrderEntriesOf(passed);
    }

    @Test
    void theSystemPropertyOfTheServicesOwnKeyWinsOverTheVariable() {
        Map<String, String> properties = Map.of("countersign.tenants.\"acme\".attestation.android.mode", "enforce",
                "countersign.tenants.\"acme\".attestation.ios.allow-development", "true");

        TenantAttestation attestation = TenantAttestation.read(List.of("demo", "acme"),
                Map.of("COUNTERSIGN_TENANTS__ACME__ATTESTATION_ANDROID_MODE", "off"), properties::get, List.of());

        assertThat(attestation.credentialEnvironment()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "COUNTERSIGN_TENANTS__ACME__ATTESTATION_ANDROID_MODE", "enforce",
                "COUNTERSIGN_TENANTS__ACME__ATTESTATION_IOS_ALLOW_DEVELOPMENT", "true"));
    }

    @Test
    void aVariableForATenantNotStartedOrForNoKnownSettingStopsTheLauncher() {
        assertThatThrownBy(() -> TenantAttestation.read(List.of("demo"),
                Map.of("COUNTERSIGN_TENANTS__ACME__ATTESTATION_IOS_MODE", "enforce"), NO_PROPERTIES::get, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("COUNTERSIGN_TENANTS__ACME__ATTESTATION_IOS_MODE");
        assertThatThrownBy(() -> TenantAttestation.read(List.of("demo"),
                Map.of("COUNTERSIGN_TENANTS__DEMO__ATTESTATION_IOS_MDOE", "enforce"), NO_PROPERTIES::get, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("COUNTERSIGN_TENANTS__DEMO__ATTESTATION_IOS_MDOE");
        assertThatThrownBy(() -> TenantAttestation.NONE.withTenant("demo", Map.of("ios.bundle-id", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ios.bundle-id");
    }

    @Test
    void theRootsFilesPemCertificatesArePassedAsBase64DerCommaSeparated(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("roots.pem");
        Files.writeString(file, "first root\n-----BEGIN CERTIFICATE-----\nMIIB\nAAAA\n-----END CERTIFICATE-----\n"
                + "-----BEGIN CERTIFICATE-----\r\nMIIC\r\n-----END CERTIFICATE-----\n");

        List<String> roots = TenantAttestation.readRoots(file);

        assertThat(roots).containsExactly("MIIBAAAA", "MIIC");
        assertThat(TenantAttestation.NONE.withAppAttestRoots(roots).credentialEnvironment())
                .containsExactly(Map.entry("COUNTERSIGN_CREDENTIAL_ATTESTATION_APP_ATTEST_ROOTS", "MIIBAAAA,MIIC"));
    }

    @Test
    void aRootsFileWithoutCertificateStopsTheLauncher(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("roots.pem"), "MIIB");

        assertThatThrownBy(() -> TenantAttestation.readRoots(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no PEM certificate");
    }

    @Test
    void withoutSettingsCredentialServiceGetsNothingAndKeepsItsDefaults() {
        assertThat(TenantAttestation.read(List.of("demo"), Map.of(), NO_PROPERTIES::get, List.of()).credentialEnvironment())
                .isEmpty();
    }

    @Test
    void thePlayResponseKeysNeverAppearInItsText() {
        TenantAttestation attestation = TenantAttestation.NONE.withTenant("demo",
                Map.of("android.decryption-key", "c2VjcmV0LWRlYw==", "android.verification-key", "c2VjcmV0LXZlcg=="));

        assertThat(attestation.toString()).contains("android.decryption-key").doesNotContain("c2VjcmV0");
    }
}
