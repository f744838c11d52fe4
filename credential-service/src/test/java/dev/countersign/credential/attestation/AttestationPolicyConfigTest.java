package dev.countersign.credential.attestation;

import dev.countersign.credential.metrics.CredentialMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.countersign.common.config.CountersignConfig;
import dev.countersign.common.token.AttestationNonces;
import dev.countersign.credential.config.CredentialConfig;
import dev.countersign.device.attestation.PlayIntegrityAuthority;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** A tenant policy that cannot be applied stops the service at start (docs/attestation.md#configuration). */
class AttestationPolicyConfigTest {

    private static final String PREFIX = "countersign.tenants.\"acme\".";

    private static AttestationChecks start(Map<String, String> attestation) {
        Map<String, String> properties = new HashMap<>(attestation);
        properties.put(PREFIX + "secret-sha256", "00".repeat(32));
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(CountersignConfig.class).withMapping(CredentialConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 100)).build();
        return new AttestationChecks(config.getConfigMapping(CountersignConfig.class),
                config.getConfigMapping(CredentialConfig.class),
                new AttestationNonces(Optional.empty(), List.of(), Clock.systemUTC()),
                null /* start-up checks only: no nonce lookup */, Clock.systemUTC(),
                new CredentialMetrics(new SimpleMeterRegistry()));
    }

    @Test
    void unknownModeStopsTheService() {
        assertThatThrownBy(() -> start(Map.of(PREFIX + "attestation.ios.mode", "enforced")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(PREFIX + "attestation.ios.mode must be off, record or enforce, not 'enforced'");
    }

    @Test
    void iosPolicyWithoutAppIdStopsTheService() {
        assertThatThrownBy(() -> start(Map.of(PREFIX + "attestation.ios.mode", "record")))
                .hasMessageContaining("ios.app-id");
    }

    @Test
    void androidPolicyWithoutItsKeysStopsTheService() {
        assertThatThrownBy(() -> start(Map.of(PREFIX + "attestation.android.mode", "enforce",
                PREFIX + "attestation.android.package-name", "dev.countersign.demo")))
                .hasMessageContaining("android.decryption-key");
        assertThatThrownBy(() -> start(Map.of(PREFIX + "attestation.android.mode", "enforce",
                PREFIX + "attestation.android.package-name", "dev.countersign.demo",
                PREFIX + "attestation.android.decryption-key", PlayIntegrityAuthority.TEST_DECRYPTION_KEY)))
                .hasMessageContaining("android.verification-key");
    }

    @Test
    void completePoliciesAndNoPolicyStart() {
        assertThat(start(Map.of())).isNotNull();
        assertThat(start(Map.of(PREFIX + "attestation.ios.mode", "ENFORCE",
                PREFIX + "attestation.ios.app-id", "TEAMID1234.dev.countersign.demo",
                PREFIX + "attestation.android.mode", "record",
                PREFIX + "attestation.android.package-name", "dev.countersign.demo",
                PREFIX + "attestation.android.decryption-key", PlayIntegrityAuthority.TEST_DECRYPTION_KEY,
                PREFIX + "attestation.android.verification-key", PlayIntegrityAuthority.TEST_VERIFICATION_KEY)))
                .isNotNull();
    }
}
