package dev.countersign.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The client address inside a real request: the test configuration trusts 127.0.0.1 (the edge's
 * role) and not 127.0.0.2, another loopback address a test socket can connect from.
 */
@QuarkusTest
class ClientAddressesTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void forwardedForFromTrustedProxyNamesTheClient() throws IOException {
        assertThat(addressSeenFrom("127.0.0.1", List.of("198.51.100.9"))).isEqualTo("198.51.100.9");
    }

    @Test
    void spoofedEntriesLeftOfTheProxysOwnAreIgnored() throws IOException {
        // The client sent "203.0.113.66, 127.0.0.1"; the trusted proxy appended the peer it saw.
        assertThat(addressSeenFrom("127.0.0.1", List.of("203.0.113.66, 127.0.0.1, 198.51.100.9")))
                .isEqualTo("198.51.100.9");
    }

    @Test
    void everyHeaderLineIsRead() throws IOException {
        assertThat(addressSeenFrom("127.0.0.1", List.of("203.0.113.66", "198.51.100.9"))).isEqualTo("198.51.100.9");
    }

    @Test
    void forwardedForFromUntrustedPeerIsIgnored() throws IOException {
        assertThat(addressSeenFrom("127.0.0.2", List.of("198.51.100.9"))).isEqualTo("127.0.0.2");
        assertThat(addressSeenFrom("127.0.0.2", List.of("127.0.0.1"))).isEqualTo("127.0.0.2");
    }

    @Test
    void withoutForwardedForThePeerIsTheClient() throws IOException {
        assertThat(addressSeenFrom("127.0.0.1", List.of())).isEqualTo("127.0.0.1");
    }

    @Test
    void garbageFromTrustedProxyIsNotBelieved() throws IOException {
        assertThat(addressSeenFrom("127.0.0.1", List.of("unknown"))).isEqualTo("127.0.0.1");
    }

    /** A raw HTTP/1.1 request from a chosen local address (HTTP clients here cannot pick one). */
    private String addressSeenFrom(String localAddress, List<String> forwardedFor) throws IOException {
        try (Socket socket = new Socket(InetAddress.getByName(base.getHost()), base.getPort(),
                InetAddress.getByName(localAddress), 0)) {
            StringBuilder request = new StringBuilder("GET /test/client-address HTTP/1.1\r\n")
                    .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n")
                    .append("Accept: application/json\r\nConnection: close\r\n");
            forwardedFor.forEach(line -> request.append("X-Forwarded-For: ").append(line).append("\r\n"));
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200");
            String body = response.substring(response.indexOf("\r\n\r\n") + 4);
            return JsonPath.from(body).getString("address");
        }
    }
}
