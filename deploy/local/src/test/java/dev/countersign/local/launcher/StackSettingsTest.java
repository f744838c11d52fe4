package dev.countersign.local.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.countersign.local.infra.InfrastructureSettings;
import org.junit.jupiter.api.Test;

class StackSettingsTest {

    @Test
    void tenantsAreReadCommaSeparatedAndTheFirstIsTheDemoTenant() {
        StackSettings settings = withTenants(StackSettings.tenantIds("demo, acme,Other_Co-2"));

        assertThat(settings.tenantIds()).containsExactly("demo", "acme", "Other_Co-2");
        assertThat(settings.tenantId()).isEqualTo("demo");
    }

    @Test
    void aTenantIdOutsideLettersDigitsUnderscoreAndDashIsRefused() {
        for (String bad : List.of("", "a.b", "a b", "ünï", "a\"b", "x".repeat(65))) {
            assertThatThrownBy(() -> withTenants(List.of("demo", bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(withTenants(List.of("x".repeat(64))).tenantIds()).hasSize(1);
    }

    @Test
    void anEmptyEntryOrATenantNamedTwiceIsRefused() {
        assertThatThrownBy(() -> withTenants(StackSettings.tenantIds("demo,,acme")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> withTenants(StackSettings.tenantIds("demo,acme,demo")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    }

    @Test
    void furtherTenantsArePrintedWithANumberedSuffixAfterTheDemoTenantsLines() {
        String lines = Launcher.tenantLines(List.of(
                new DemoSecrets.TenantSecret("demo", "sk_local_a"),
                new DemoSecrets.TenantSecret("acme", "sk_local_b"),
                new DemoSecrets.TenantSecret("other", "sk_local_c")));

        assertThat(lines.lines()).containsExactly(
                "COUNTERSIGN_TENANT_ID=demo", "COUNTERSIGN_SECRET_KEY=sk_local_a",
                "COUNTERSIGN_TENANT_ID_2=acme", "COUNTERSIGN_SECRET_KEY_2=sk_local_b",
                "COUNTERSIGN_TENANT_ID_3=other", "COUNTERSIGN_SECRET_KEY_3=sk_local_c");
    }

    @Test
    void eachTenantGetsItsOwnSecretKey() {
        DemoSecrets secrets = DemoSecrets.generate(List.of("demo", "acme"));

        assertThat(secrets.tenants()).extracting(DemoSecrets.TenantSecret::tenantId).containsExactly("demo", "acme");
        assertThat(secrets.tenants().get(0).secretKey()).isNotEqualTo(secrets.tenants().get(1).secretKey());
        assertThat(secrets.secretKey()).isEqualTo(secrets.tenants().get(0).secretKey());
    }

    private static StackSettings withTenants(List<String> tenantIds) {
        return new StackSettings(0, tenantIds, Optional.of(StackSettings.LOCAL_ORIGINS), Path.of("."), Optional.empty(),
                Optional.empty(), InfrastructureSettings.fromEnvironment(), Map.of(), 1, false, Optional.empty());
    }
}
