package dev.countersign.local.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vertx.core.Vertx;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Request forwarding's budgets and timeouts, over real sockets against a stub service. Every wait
 * is an upper bound on how long the test is willing to wait, never a claim about speed.
 */
class EdgeForwardingTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private Vertx vertx;
    private StubService service;
    private final List<Edge> edges = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(PATIENCE).build();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        service = new StubService(vertx);
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        edges.forEach(Edge::close);
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private Edge edge(EdgeSettings settings) {
        return edge(settings, service.port());
    }

    private Edge edge(EdgeSettings settings, int port) {
        RouteTable routes = RouteTable.load();
        Map<String, InetSocketAddress> services = new HashMap<>();
        routes.services().forEach(name -> services.put(name, new InetSocketAddress("127.0.0.1", port)));
        Edge edge = Edge.start("127.0.0.1", 0, routes, services, settings);
        edges.add(edge);
        return edge;
    }

    @Test
    void theTraceContextHeadersReachTheServiceAsTheClientSentThem() throws Exception {
        Edge edge = edge(EdgeSettings.defaults());
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/v1/validate"))
                .timeout(PATIENCE).header("traceparent", traceparent).header("tracestate", "vendor=value")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();

        assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        assertThat(service.received).hasSize(1);
        assertThat(service.received.get(0).getAll("traceparent")).containsExactly(traceparent);
        assertThat(service.received.get(0).getAll("tracestate")).containsExactly("vendor=value");
    }

    @Test
    void slowBodyClientsBeyondThePoolDoNotHoldUpARequest() throws Exception {
        Edge edge = edge(EdgeSettings.defaults().withRequestPool(2, 0));
        for (int i = 0; i < 8; i++) {
            Socket slow = open(edge);
            slow.getOutputStream().write(("POST /v1/validate HTTP/1.1\r\nHost: edge\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"partial\":").getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
        }
        HttpResponse<String> answer = http.send(get(edge, "/v1/validate"), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("ok");
        // The slow bodies never reached the service: the edge holds them until they are whole.
        assertThat(service.openConnections.get()).isLessThanOrEqualTo(1);
    }

    @Test
    void bodyNotArrivingInTimeIs408WithJsonAndTheConnectionIsClosed() throws IOException {
        Edge edge = edge(EdgeSettings.defaults().withRequestTimeouts(Duration.ofSeconds(10), Duration.ofMillis(300)));
        Socket slow = open(edge);
        slow.getOutputStream().write(("POST /v1/validate HTTP/1.1\r\nHost: edge\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{\"partial\":").getBytes(StandardCharsets.US_ASCII));
        slow.getOutputStream().flush();
        String answer = readToEnd(slow);
        assertThat(answer).startsWith("HTTP/1.1 408 ");
        assertThat(body(answer)).isEqualTo("{\"error\":\"request_timeout\",\"errorCode\":\"request_timeout\","
                + "\"errorDescription\":\"The request body did not arrive in time\"}");
        assertThat(service.openConnections).hasValue(0);
    }

    @Test
    void headersNotArrivingInTimeCloseTheConnection() throws IOException {
        Edge edge = edge(EdgeSettings.defaults().withRequestTimeouts(Duration.ofMillis(300), Duration.ofSeconds(10)));
        Socket slow = open(edge);
        slow.getOutputStream().write("GET /v1/validate HTTP/1.1\r\nHost: edge\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        slow.getOutputStream().flush();
        // Read until the edge closes; a connection held open fails on the socket's read timeout.
        assertThat(readToEnd(slow)).isEmpty();
    }

    @Test
    void serviceThatIsDownIs502WithJson() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        Edge edge = edge(EdgeSettings.defaults(), closedPort);
        HttpResponse<String> answer = http.send(get(edge, "/v1/validate"), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(answer.body()).isEqualTo("{\"error\":\"bad_gateway\",\"errorCode\":\"bad_gateway\","
                + "\"errorDescription\":\"The service cannot be reached\"}");
    }

    @Test
    void serviceThatNeverAnswersIs504WithJson() throws Exception {
        Edge edge = edge(EdgeSettings.defaults().withUpstreamResponseTimeout(Duration.ofMillis(300)));
        HttpResponse<String> answer = http.send(get(edge, "/v1/users/u1/actions/stall"), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(504);
        assertThat(answer.body()).isEqualTo("{\"error\":\"gateway_timeout\",\"errorCode\":\"gateway_timeout\","
                + "\"errorDescription\":\"The service did not answer in time\"}");
        assertThat(service.stalled).hasSize(1);
    }

    @Test
    void requestFindingThePoolAndItsQueueFullIs503WithJson() throws Exception {
        Edge edge = edge(EdgeSettings.defaults().withRequestPool(1, 0));
        http.sendAsync(get(edge, "/v1/users/u1/actions/stall"), HttpResponse.BodyHandlers.ofString());
        await().atMost(PATIENCE).until(() -> service.stalled.size() == 1);
        HttpResponse<String> answer = http.send(get(edge, "/v1/validate"), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.body()).isEqualTo("{\"error\":\"service_unavailable\",\"errorCode\":\"service_unavailable\","
                + "\"errorDescription\":\"The edge is busy; try again\"}");
        // Once the service answers, the connection serves the next request.
        service.stalled.get(0).response().end("late");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                http.send(get(edge, "/v1/validate"), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200));
    }

    @Test
    void bodyWithinTheLimitReachesTheServiceWhole() throws Exception {
        Edge edge = edge(EdgeSettings.defaults());
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/v1/validate"))
                .timeout(PATIENCE).POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"t\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("ok");
    }

    @Test
    void clientAskingToContinueIsToldByTheEdgeAndItsBodyForwarded() throws IOException {
        Edge edge = edge(EdgeSettings.defaults());
        Socket socket = open(edge);
        socket.getOutputStream().write(("POST /v1/validate HTTP/1.1\r\nHost: edge\r\nContent-Type: application/json\r\n"
                + "Expect: 100-continue\r\nConnection: close\r\nContent-Length: 2\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        byte[] interim = socket.getInputStream().readNBytes("HTTP/1.1 100 Continue\r\n\r\n".length());
        assertThat(new String(interim, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
        socket.getOutputStream().write("{}".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        String answer = readToEnd(socket);
        assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith("ok");
    }

    private Socket open(Edge edge) throws IOException {
        Socket socket = new Socket("127.0.0.1", edge.port());
        socket.setSoTimeout((int) PATIENCE.toMillis());
        sockets.add(socket);
        return socket;
    }

    private static HttpRequest get(Edge edge, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + path)).timeout(PATIENCE).GET().build();
    }

    private static String readToEnd(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        in.transferTo(answer);
        return answer.toString(StandardCharsets.UTF_8);
    }

    private static String body(String answer) {
        return answer.substring(answer.indexOf("\r\n\r\n") + 4);
    }
}
