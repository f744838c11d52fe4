package dev.countersign.local.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests the edge's HTTP decoder refuses before routing, sent over a raw socket: each gets the
 * error model's JSON, never an empty body.
 */
class EdgeRefusalTest {

    private static final Vertx VERTX = Vertx.vertx();

    private static Edge edge;
    private static HttpServer origin;

    @BeforeAll
    static void start() {
        RouteTable routes = RouteTable.load();
        Map<String, InetSocketAddress> services = new HashMap<>();
        // Nothing reaches a service in these tests.
        // Every service is one origin that answers with the length of the body it received.
        origin = VERTX.createHttpServer().requestHandler(request -> request.body().onSuccess(body ->
                request.response().end("received " + body.length()))).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().join();
        routes.services().forEach(service -> services.put(service, new InetSocketAddress("127.0.0.1", origin.actualPort())));
        edge = Edge.start("127.0.0.1", 0, routes, services);
    }

    @AfterAll
    static void stop() {
        edge.close();
        VERTX.close();
    }

    @Test
    void requestLineOverTheLimitIs414WithJson() throws IOException {
        // The line was never read to its version, so Vert.x answers as HTTP/1.0.
        assertRefused(send("GET /v1/validate?x=" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: edge\r\n\r\n"),
                "HTTP/1.0 414 ", "Request line too long");
    }

    @Test
    void headersOverTheLimitAre431WithJson() throws IOException {
        assertRefused(send("GET /v1/validate HTTP/1.1\r\nHost: edge\r\nX-Big: " + "a".repeat(10_000) + "\r\n\r\n"),
                "HTTP/1.1 431 ", "Request headers too large");
    }

    @Test
    void malformedContentLengthIs400WithJson() throws IOException {
        assertRefused(send("POST /v1/validate HTTP/1.1\r\nHost: edge\r\nContent-Length: ten\r\n\r\n"),
                "HTTP/1.1 400 ", "Malformed HTTP request");
    }

    @Test
    void transferCodingOtherThanChunkedIs400WithJson() throws IOException {
        assertRefused(send("POST /v1/validate HTTP/1.1\r\nHost: edge\r\nTransfer-Encoding: gzip\r\n\r\nabc"),
                "HTTP/1.1 400 ", "Unsupported transfer coding");
    }

    @Test
    void secondTransferEncodingBesideChunkedIs400WithJson() throws IOException {
        assertRefused(send("POST /v1/validate HTTP/1.1\r\nHost: edge\r\nTransfer-Encoding: chunked\r\n"
                + "Transfer-Encoding: gzip\r\n\r\n0\r\n\r\n"), "HTTP/1.1 400 ", "Unsupported transfer coding");
    }

    @Test
    void chunkedBodyOverTheLimitIs413WithJson() throws IOException {
        String chunk = "a".repeat(8192);
        StringBuilder request = new StringBuilder("POST /v1/validate HTTP/1.1\r\nHost: edge\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 9; i++) {
            request.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        String answer = send(request.append("0\r\n\r\n").toString());
        assertThat(answer).startsWith("HTTP/1.1 413 ");
        assertThat(answer.substring(answer.indexOf("\r\n\r\n") + 4)).isEqualTo("{\"error\":\"payload_too_large\","
                + "\"errorCode\":\"payload_too_large\",\"errorDescription\":\"Request body too large\"}");
    }

    @Test
    void chunkedBodyWithinTheLimitReachesTheService() throws IOException {
        String answer = send("POST /v1/validate HTTP/1.1\r\nHost: edge\r\nConnection: close\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith("received 11");
    }

    @Test
    void malformedPercentEscapeInThePathIs400WithJson() throws IOException {
        assertRefused(send("GET /v1/users/%Z/authenticators HTTP/1.1\r\nHost: edge\r\nConnection: close\r\n\r\n"),
                "HTTP/1.1 400 ", "Invalid request URI");
    }

    @Test
    void controlCharacterInTheQueryIs400WithJson() throws IOException {
        assertRefused(send("GET /v1/client/user-authenticators/push?publicKey=a\u007fb HTTP/1.1\r\nHost: edge\r\n"
                + "Connection: close\r\n\r\n"), "HTTP/1.1 400 ", "Invalid request URI");
    }

    @Test
    void rawNonAsciiBytesInThePathAre400WithJson() throws IOException {
        byte[] head = "GET /v1/users/".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "/authenticators HTTP/1.1\r\nHost: edge\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] user = "jürgen".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(head);
        request.writeBytes(user);
        request.writeBytes(tail);
        assertRefused(send(request.toByteArray()), "HTTP/1.1 400 ", "Invalid request URI");
    }

    @Test
    void percentEncodedNonAsciiReachesTheService() throws IOException {
        String answer = send("GET /v1/users/j%C3%BCrgen/authenticators HTTP/1.1\r\nHost: edge\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith("received 0");
    }

    @Test
    void h2cUpgradeIsServedAsHttp1() throws IOException {
        // Read only up to the expected body: the connection stays open either way.
        String answer = sendUntil("GET /v1/validate HTTP/1.1\r\nHost: edge\r\nUpgrade: h2c\r\n"
                + "Connection: Upgrade\r\n\r\n", "received 0");
        assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith("received 0");
    }

    private static void assertRefused(String answer, String statusLine, String description) {
        assertThat(answer).startsWith(statusLine);
        assertThat(answer.substring(answer.indexOf("\r\n\r\n") + 4)).isEqualTo(
                "{\"error\":\"invalid_request\",\"errorCode\":\"invalid_request\",\"errorDescription\":\"" + description + "\"}");
    }

    /** Writes the raw request and reads until the edge closes the connection. */
    /** Reads until the answer ends with {@code end}, or returns what came within 3 s. */
    private static String sendUntil(String request, String end) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", edge.port())) {
            socket.setSoTimeout(3_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n; !answer.toString(StandardCharsets.UTF_8).endsWith(end) && (n = in.read(buffer)) >= 0; ) {
                    answer.write(buffer, 0, n);
                }
            } catch (java.net.SocketTimeoutException e) {
                // What came is the answer to judge.
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private static String send(String request) throws IOException {
        return send(request.getBytes(StandardCharsets.US_ASCII));
    }

    private static String send(byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", edge.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }
}
