package dev.countersign.local.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.countersign.common.internal.InternalSecret;

class CountersignStackTest {

    @Test
    void theLocalRunTrustsTheEdgeAndExemptsDirectLoopbackPeers() {
        // The one deployment that turns the exemption on; the services default it to off.
        assertThat(CountersignStack.clientAddressEnvironment())
                .containsEntry("COUNTERSIGN_TRUSTED_PROXIES", "127.0.0.1/32,::1/128")
                .containsEntry("COUNTERSIGN_EXEMPT_LOOPBACK_PEERS", "true");
    }

    @Test
    void theLocalRunNamesTheAnsweringServiceOnEveryResponse() {
        // The end-to-end routing tests read it; the services default it to off.
        assertThat(CountersignStack.routingEnvironment()).containsEntry("COUNTERSIGN_SERVICE_NAME_HEADER", "true");
    }

    @Test
    void everyRunMakesAFreshInternalSecretTheServicesAcceptAndNeverShowsIt() {
        DemoSecrets one = DemoSecrets.generate("demo");
        DemoSecrets two = DemoSecrets.generate("demo");
        assertThat(one.internalSecret()).isNotEqualTo(two.internalSecret());
        // What every service checks at start: long enough, else it refuses to run.
        new InternalSecret(Optional.of(one.internalSecret()));
        assertThat(one.toString()).doesNotContain(one.internalSecret());
    }
}
