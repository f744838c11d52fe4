package dev.countersign.common.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.countersign.common.crypto.Sha256;

class TenantsTest {

    private final Tenants tenants = new Tenants(List.of(
            new Tenant("acme", Sha256.digest("sk_acme"), List.of(), Map.of()),
            new Tenant("globex", Sha256.digest("sk_globex"), List.of("https://globex.example"), Map.of())));

    @Test
    void secretFindsItsTenant() {
        assertThat(tenants.bySecret("sk_acme")).map(Tenant::id).contains("acme");
        assertThat(tenants.bySecret("sk_globex")).map(Tenant::id).contains("globex");
    }

    @Test
    void wrongOrPartialSecretFindsNothing() {
        assertThat(tenants.bySecret("sk_acm")).isEmpty();
        assertThat(tenants.bySecret("")).isEmpty();
        assertThat(tenants.bySecret("acme")).isEmpty();
    }

    @Test
    void idFindsTenantButSecretIsNotAnId() {
        assertThat(tenants.byId("acme")).isPresent();
        assertThat(tenants.byId("sk_acme")).isEmpty();
        assertThat(tenants.byId(null)).isEmpty();
    }

    @Test
    void hashOfWrongLengthIsRefusedAtStart() {
        assertThatThrownBy(() -> new Tenants(List.of(new Tenant("x", new byte[16], List.of(), Map.of()))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tenantIdOutsideTheAlphabetIsRefusedAtStart() {
        for (String id : new String[] {"a.b", "", "a b", "t".repeat(65)}) {
            assertThatThrownBy(() -> new Tenants(List.of(new Tenant(id, Sha256.digest("sk"), List.of(), Map.of()))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[A-Za-z0-9_-]{1,64}");
        }
    }

    @Test
    void requestTenantIdOutsideTheAlphabetIsAnUnknownTenant() {
        assertThat(tenants.byId("acme\u0000")).isEmpty();
        assertThat(tenants.byId("acme;x")).isEmpty();
        assertThat(tenants.byId("a".repeat(100_000))).isEmpty();
    }
}
