package dev.countersign.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Which address a per-address limit counts: {@code countersign.exempt-loopback-peers} spares a direct loopback peer only. */
class ClientAddressesTest {

    /** The edge's network and the loopback, as a deployment would configure them. */
    private static final List<String> TRUSTED = List.of("10.0.0.0/8", "127.0.0.1/32", "::1/128");

    private static ClientAddress.Client client(String peer, String xForwardedFor) {
        return ClientAddress.trusting(TRUSTED).client(peer, xForwardedFor);
    }

    @Test
    void withTheExemptionOffLoopbackClientsAreCounted() {
        ClientAddresses addresses = new ClientAddresses(TRUSTED, false);
        assertThat(addresses.counted(client("127.0.0.1", null))).contains("127.0.0.1");
        assertThat(addresses.counted(client("::1", null))).contains("::1");
        assertThat(addresses.counted(client("127.0.0.1", "127.0.0.1"))).contains("127.0.0.1");
    }

    @Test
    void withTheExemptionOnADirectLoopbackPeerIsNotCounted() {
        ClientAddresses addresses = new ClientAddresses(TRUSTED, true);
        assertThat(addresses.counted(client("127.0.0.1", null))).isEmpty();
        assertThat(addresses.counted(client("::1", null))).isEmpty();
    }

    @Test
    void withTheExemptionOnALoopbackAddressFromForwardedForIsCounted() {
        ClientAddresses addresses = new ClientAddresses(TRUSTED, true);
        assertThat(addresses.counted(client("127.0.0.1", "127.0.0.1"))).contains("127.0.0.1");
        assertThat(addresses.counted(client("10.0.0.1", "::1"))).contains("::1");
        assertThat(addresses.counted(client("127.0.0.1", "203.0.113.7"))).contains("203.0.113.7");
    }

    @Test
    void otherClientsAreCountedEitherWayAndNoAddressIsNotCounted() {
        for (boolean exempt : new boolean[] {false, true}) {
            ClientAddresses addresses = new ClientAddresses(TRUSTED, exempt);
            assertThat(addresses.counted(client("203.0.113.7", null))).contains("203.0.113.7");
            assertThat(addresses.counted(client(null, null))).isEmpty();
        }
    }
}
