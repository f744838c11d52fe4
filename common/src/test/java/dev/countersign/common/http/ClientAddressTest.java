package dev.countersign.common.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class ClientAddressTest {

    /** The edge's network and the loopback, as a deployment would configure them. */
    private static final List<String> TRUSTED = List.of("10.0.0.0/8", "127.0.0.1/32", "fd00::/8", "::1/128");

    private static String resolve(String peer, String xForwardedFor) {
        return ClientAddress.resolve(peer, xForwardedFor, TRUSTED);
    }

    @Test
    void untrustedPeerIsTheClientAndItsForwardedForIsIgnored() {
        assertThat(resolve("203.0.113.7", "198.51.100.1")).isEqualTo("203.0.113.7");
        assertThat(resolve("203.0.113.7", null)).isEqualTo("203.0.113.7");
    }

    @Test
    void clientSpoofingForwardedForDirectlyGetsItsOwnAddress() {
        // A client pretending to be behind our own proxy, straight to the service.
        assertThat(resolve("203.0.113.7", "10.0.0.1")).isEqualTo("203.0.113.7");
        assertThat(resolve("203.0.113.7", "1.1.1.1, 10.0.0.1")).isEqualTo("203.0.113.7");
    }

    @Test
    void trustedPeerWithoutForwardedForIsTheClient() {
        assertThat(resolve("10.1.2.3", null)).isEqualTo("10.1.2.3");
        assertThat(resolve("10.1.2.3", "")).isEqualTo("10.1.2.3");
        assertThat(resolve("10.1.2.3", " , ")).isEqualTo("10.1.2.3");
    }

    @Test
    void trustedPeerForwardsTheAddressItSaw() {
        assertThat(resolve("10.1.2.3", "198.51.100.9")).isEqualTo("198.51.100.9");
    }

    @Test
    void clientSpoofingForwardedForThroughTheEdgeGetsTheAddressTheEdgeAppended() {
        // The client sent "X-Forwarded-For: 1.1.1.1, 10.0.0.5"; the edge appended the real peer.
        assertThat(resolve("10.1.2.3", "1.1.1.1, 10.0.0.5, 198.51.100.9")).isEqualTo("198.51.100.9");
        // Claims of being the loopback are skipped the same way: only the edge's own entry counts.
        assertThat(resolve("127.0.0.1", "127.0.0.1,198.51.100.9")).isEqualTo("198.51.100.9");
    }

    @Test
    void trustedHopsAreSkippedFromTheRight() {
        // client -> CDN-like outer proxy (10.9.9.9) -> edge (10.1.2.3) -> service
        assertThat(resolve("10.1.2.3", "198.51.100.9, 10.9.9.9")).isEqualTo("198.51.100.9");
        assertThat(resolve("::1", "198.51.100.9, 10.9.9.9, 127.0.0.1")).isEqualTo("198.51.100.9");
    }

    @Test
    void allHopsTrustedThenTheLeftmost() {
        assertThat(resolve("10.1.2.3", "10.0.0.7, 10.0.0.8")).isEqualTo("10.0.0.7");
    }

    @Test
    void severalHeaderLinesJoinedByCommasAndSpacesAreRead() {
        assertThat(resolve("10.1.2.3", "  1.1.1.1 ,198.51.100.9  ,  10.0.0.8 ")).isEqualTo("198.51.100.9");
        assertThat(resolve("10.1.2.3", "1.1.1.1,,198.51.100.9,")).isEqualTo("198.51.100.9");
    }

    @Test
    void garbageAfterTrustedHopsIsNotBelievedAndTheHopThatWroteItIsAnswered() {
        assertThat(resolve("10.1.2.3", "unknown")).isEqualTo("10.1.2.3");
        assertThat(resolve("10.1.2.3", "198.51.100.9, evil.example.com, 10.0.0.8")).isEqualTo("10.0.0.8");
        assertThat(resolve("10.1.2.3", "1.2.3")).isEqualTo("10.1.2.3");
        assertThat(resolve("10.1.2.3", "256.1.1.1")).isEqualTo("10.1.2.3");
        assertThat(resolve("10.1.2.3", "010.1.1.1")).isEqualTo("10.1.2.3");
        assertThat(resolve("10.1.2.3", "1::2::3")).isEqualTo("10.1.2.3");
        assertThat(resolve("10.1.2.3", "[::1")).isEqualTo("10.1.2.3");
    }

    @Test
    void garbageLeftOfTheClientIsNeverRead() {
        assertThat(resolve("10.1.2.3", "<script>, 198.51.100.9")).isEqualTo("198.51.100.9");
    }

    @Test
    void portsAreDropped() {
        assertThat(resolve("10.1.2.3", "198.51.100.9:4711")).isEqualTo("198.51.100.9");
        assertThat(resolve("10.1.2.3", "[2001:db8::5]:443")).isEqualTo("2001:db8::5");
        assertThat(resolve("10.1.2.3", "198.51.100.9:99999")).isEqualTo("10.1.2.3");
    }

    @Test
    void ipv6InAnyTextFormIsAnsweredCanonically() {
        assertThat(resolve("2001:DB8:0:0:0:0:0:1", null)).isEqualTo("2001:db8::1");
        assertThat(resolve("0:0:0:0:0:0:0:1", "2001:0db8:0000:0000:0001:0000:0000:0001")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(resolve("fd00::1", "[2001:db8::7]")).isEqualTo("2001:db8::7");
        assertThat(resolve("fd00::1", "fe80::1%eth0")).isEqualTo("fe80::1");
        assertThat(resolve("[fd00::1%2]", "2001:db8::7")).isEqualTo("2001:db8::7");
        assertThat(resolve("fd00::1", "::ffff:198.51.100.9")).isEqualTo("198.51.100.9");
        assertThat(resolve("fd00::1", "64:ff9b::198.51.100.9")).isEqualTo("64:ff9b::c633:6409");
    }

    @Test
    void ipv4MappedPeerOfADualStackSocketIsMatchedAsIpv4() {
        assertThat(resolve("::ffff:10.1.2.3", "198.51.100.9")).isEqualTo("198.51.100.9");
        assertThat(resolve("::ffff:203.0.113.7", "198.51.100.9")).isEqualTo("203.0.113.7");
    }

    @Test
    void ipv6PeerOutsideTrustedNetworksIsTheClient() {
        assertThat(resolve("2001:db8::1", "10.0.0.1")).isEqualTo("2001:db8::1");
        // fd00::/8 does not contain fe00::
        assertThat(resolve("fe00::1", "198.51.100.9")).isEqualTo("fe00::1");
    }

    @Test
    void cidrEdgesAreExact() {
        List<String> cidrs = List.of("192.168.4.0/22", "2001:db8:ab00::/40", "198.51.100.77");
        assertThat(trusted(cidrs, "192.168.4.0")).isTrue();
        assertThat(trusted(cidrs, "192.168.7.255")).isTrue();
        assertThat(trusted(cidrs, "192.168.3.255")).isFalse();
        assertThat(trusted(cidrs, "192.168.8.0")).isFalse();
        assertThat(trusted(cidrs, "2001:db8:ab00::")).isTrue();
        assertThat(trusted(cidrs, "2001:db8:abff:ffff:ffff:ffff:ffff:ffff")).isTrue();
        assertThat(trusted(cidrs, "2001:db8:ac00::")).isFalse();
        assertThat(trusted(cidrs, "2001:db8:aaff:ffff::")).isFalse();
        assertThat(trusted(cidrs, "198.51.100.77")).isTrue();
        assertThat(trusted(cidrs, "198.51.100.78")).isFalse();
        // Families never match each other.
        assertThat(trusted(List.of("::/0"), "1.2.3.4")).isFalse();
        assertThat(trusted(List.of("0.0.0.0/0"), "::1")).isFalse();
        assertThat(trusted(List.of("0.0.0.0/0"), "1.2.3.4")).isTrue();
        assertThat(trusted(List.of("::ffff:10.0.0.0/104"), "10.200.0.1")).isTrue();
        assertThat(trusted(List.of("::ffff:10.0.0.0/104"), "11.0.0.1")).isFalse();
        assertThat(trusted(List.of("10.0.0.0/8"), "garbage")).isFalse();
    }

    @Test
    void noTrustedProxiesMeansThePeerAlways() {
        assertThat(ClientAddress.resolve("127.0.0.1", "198.51.100.9", List.of())).isEqualTo("127.0.0.1");
        assertThat(ClientAddress.resolve("127.0.0.1", "198.51.100.9", null)).isEqualTo("127.0.0.1");
    }

    @Test
    void peerThatIsNoAddressIsAnsweredAsGiven() {
        assertThat(resolve(null, "198.51.100.9")).isNull();
        assertThat(resolve("/var/run/app.sock", "198.51.100.9")).isEqualTo("/var/run/app.sock");
    }

    @Test
    void badCidrIsRefused() {
        for (String bad : List.of("10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "::/129", "10.0.0/8", "example.com/8",
                "10.0.0.1:80", "[::1]/128", "fe80::1%eth0/64", "10.0.0.0/8/8")) {
            assertThatThrownBy(() -> ClientAddress.trusting(List.of(bad)))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void canonicalAndNetworkForms() {
        assertThat(ClientAddress.canonical("2001:db8:0:0:1:0:0:1")).contains("2001:db8::1:0:0:1");
        assertThat(ClientAddress.canonical("2001:db8::")).contains("2001:db8::");
        assertThat(ClientAddress.canonical("::")).contains("::");
        assertThat(ClientAddress.canonical("1:0:2:0:3:0:4:0")).contains("1:0:2:0:3:0:4:0");
        assertThat(ClientAddress.canonical("1:2:3:4:5:6:7:8:9")).isEmpty();
        assertThat(ClientAddress.canonical("1:2:3:4:5:6:7::8")).isEmpty();
        assertThat(ClientAddress.canonical("12345::")).isEmpty();
        assertThat(ClientAddress.network("2001:db8:1:2:3:4:5:6")).contains("2001:db8:1:2::/64");
        assertThat(ClientAddress.network("198.51.100.9")).contains("198.51.100.9");
        assertThat(ClientAddress.network("nope")).isEmpty();
    }

    @Test
    void loopbackMeansTheHostsOwnAddressesOnly() {
        assertThat(ClientAddress.isLoopback("127.0.0.1")).isTrue();
        assertThat(ClientAddress.isLoopback("127.8.9.10")).isTrue();
        assertThat(ClientAddress.isLoopback("::1")).isTrue();
        assertThat(ClientAddress.isLoopback("[::1]:8080")).isTrue();
        assertThat(ClientAddress.isLoopback("::ffff:127.0.0.1")).isTrue();
        assertThat(ClientAddress.isLoopback("128.0.0.1")).isFalse();
        assertThat(ClientAddress.isLoopback("203.0.113.7")).isFalse();
        assertThat(ClientAddress.isLoopback("::2")).isFalse();
        assertThat(ClientAddress.isLoopback("2001:db8::1")).isFalse();
        assertThat(ClientAddress.isLoopback("not an address")).isFalse();
    }

    @Test
    void aClientIsDirectOnlyWhenNoForwardedEntryWasBelieved() {
        ClientAddress resolver = ClientAddress.trusting(TRUSTED);
        assertThat(resolver.client("203.0.113.7", "127.0.0.1")).isEqualTo(new ClientAddress.Client("203.0.113.7", true));
        assertThat(resolver.client("127.0.0.1", null)).isEqualTo(new ClientAddress.Client("127.0.0.1", true));
        assertThat(resolver.client("127.0.0.1", " , ")).isEqualTo(new ClientAddress.Client("127.0.0.1", true));
        assertThat(resolver.client("127.0.0.1", "garbage")).isEqualTo(new ClientAddress.Client("127.0.0.1", true));
        // A trusted proxy naming the loopback: the same address as the peer, but not the peer.
        assertThat(resolver.client("127.0.0.1", "127.0.0.1")).isEqualTo(new ClientAddress.Client("127.0.0.1", false));
        assertThat(resolver.client("10.0.0.1", "203.0.113.7")).isEqualTo(new ClientAddress.Client("203.0.113.7", false));
        assertThat(resolver.client("10.0.0.1", "garbage, 10.0.0.2"))
                .isEqualTo(new ClientAddress.Client("10.0.0.2", false));
    }

    @Test
    void hostnamesAreNeverLookedUp() {
        // "localhost" would resolve to the loopback if anything asked DNS or the hosts file.
        assertThat(ClientAddress.canonical("localhost")).isEmpty();
        assertThat(ClientAddress.canonical("[localhost]")).isEmpty();
        assertThat(ClientAddress.canonical("localhost:80")).isEmpty();
        assertThat(resolve("10.1.2.3", "localhost")).isEqualTo("10.1.2.3");
        assertThat(ClientAddress.isLoopback("localhost")).isFalse();
        assertThatThrownBy(() -> ClientAddress.trusting(List.of("localhost/8")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void looseIpv4FormsThatSomeParsersAcceptAreNoAddress() {
        for (String loose : List.of("1.2.3", "1.2.3.4.5", "4294967295", "0x1.2.3.4", "1.02.3.4", "::ffff:010.1.1.1",
                "::ffff:1.2.3", "::ffff:1.2.3.04", "[1.2.3.4]")) {
            assertThat(ClientAddress.canonical(loose)).as(loose).isEmpty();
        }
    }

    @Test
    void emptyPortsAndTrailingTextAreNoAddress() {
        assertThat(ClientAddress.canonical("198.51.100.9:")).isEmpty();
        assertThat(ClientAddress.canonical("[2001:db8::5]:")).isEmpty();
        assertThat(ClientAddress.canonical("[2001:db8::5]x")).isEmpty();
        assertThat(ClientAddress.canonical("[2001:db8::5]:65536")).isEmpty();
        assertThat(ClientAddress.canonical("[2001:db8::5]:65535")).contains("2001:db8::5");
        assertThat(ClientAddress.canonical("198.51.100.9:0")).contains("198.51.100.9");
    }

    @Test
    void embeddedIpv4OtherThanMappedStaysIpv6() {
        // IPv4-compatible (deprecated) and a full-length mixed form are IPv6 addresses, not their IPv4 tail.
        assertThat(ClientAddress.canonical("::1.2.3.4")).contains("::102:304");
        assertThat(ClientAddress.canonical("1:2:3:4:5:6:1.2.3.4")).contains("1:2:3:4:5:6:102:304");
        assertThat(ClientAddress.canonical("0:0:0:0:0:ffff:1.2.3.4")).contains("1.2.3.4");
        assertThat(ClientAddress.canonical("::ffff:c0a8:1")).contains("192.168.0.1");
        assertThat(ClientAddress.network("::ffff:203.0.113.7")).contains("203.0.113.7");
    }

    @Test
    void zoneIdsAreDroppedWhateverTheirForm() {
        assertThat(ClientAddress.canonical("fe80::1%25")).contains("fe80::1");
        assertThat(ClientAddress.canonical("[fe80::1%no-such-interface]:443")).contains("fe80::1");
        assertThat(ClientAddress.canonical("fe80::1%")).contains("fe80::1");
        assertThat(ClientAddress.canonical("%eth0")).isEmpty();
    }

    private static boolean trusted(List<String> cidrs, String address) {
        return ClientAddress.trusting(cidrs).isTrusted(address);
    }
}
