package dev.countersign.local.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * WebSocket tunnels through the edge, over real sockets: the notifier's route goes to one stub
 * service, the other routes to another, so tunnels and forwarded requests are counted apart.
 */
class EdgeTunnelTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private Vertx vertx;
    private HttpClient client;
    private StubService notifier;
    private StubService others;
    private final List<Edge> edges = new ArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        client = vertx.createHttpClient();
        notifier = new StubService(vertx);
        others = new StubService(vertx);
    }

    @AfterEach
    void stop() {
        edges.forEach(Edge::close);
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private Edge edge(EdgeSettings settings) {
        return edge(settings, notifier.port());
    }

    private Edge edge(EdgeSettings settings, int notifierPort) {
        RouteTable routes = RouteTable.load();
        Map<String, InetSocketAddress> services = new HashMap<>();
        routes.services().forEach(service -> services.put(service, new InetSocketAddress("127.0.0.1",
                service.equals("notifier-service") ? notifierPort : others.port())));
        Edge edge = Edge.start("127.0.0.1", 0, routes, services, settings);
        edges.add(edge);
        return edge;
    }

    @Test
    void handshakeAbandonedBeforeTheServiceUpgradesLeavesNoUpstreamConnection() throws IOException {
        Edge edge = edge(EdgeSettings.defaults());
        try (Socket socket = new Socket("127.0.0.1", edge.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /ws-v1-challenge?hold HTTP/1.1\r\nHost: edge\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().atMost(PATIENCE).until(() -> notifier.held.size() == 1);
        }
        // The service upgrades after the client is gone (if its connection is still there).
        notifier.accept(notifier.held.get(0));
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(notifier.openConnections).hasValue(0);
            assertThat(edge.openTunnels()).isZero();
        });
    }

    @Test
    void serviceClosingItsSocketClosesTheClientsAndTheOtherWayRound() {
        Edge edge = edge(EdgeSettings.defaults());
        WebSocket first = connect(edge);
        assertThat(echo(first, "ping")).isEqualTo("ping");
        AtomicBoolean firstClosed = new AtomicBoolean();
        first.closeHandler(ignored -> firstClosed.set(true));
        notifier.sockets.get(0).close();
        await().atMost(PATIENCE).untilTrue(firstClosed);

        WebSocket second = connect(edge);
        assertThat(echo(second, "pong")).isEqualTo("pong");
        second.close();
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(notifier.openConnections).hasValue(0);
            assertThat(edge.openTunnels()).isZero();
        });
    }

    @Test
    void tunnelSilentBothWaysForTheIdleTimeoutIsClosed() {
        Edge edge = edge(EdgeSettings.defaults().withTunnels(8, Duration.ofMillis(300)));
        WebSocket socket = connect(edge);
        AtomicBoolean closed = new AtomicBoolean();
        socket.closeHandler(ignored -> closed.set(true));
        await().atMost(PATIENCE).untilTrue(closed);
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(notifier.openConnections).hasValue(0);
            assertThat(edge.openTunnels()).isZero();
        });
    }

    @Test
    void socketsOverTheCapAre503WithJsonWhileRequestsStillPass() throws Exception {
        Edge edge = edge(EdgeSettings.defaults().withTunnels(3, Duration.ofMinutes(5)).withRequestPool(2, 0));
        for (int i = 0; i < 20; i++) {
            WebSocket socket = connect(edge);
            assertThat(echo(socket, "n" + i)).isEqualTo("n" + i);
            socket.close().toCompletionStage().toCompletableFuture().join();
            await().atMost(PATIENCE).until(() -> edge.openTunnels() == 0);
        }
        List<WebSocket> open = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            open.add(connect(edge));
        }
        assertThatUpgradeIsRefused(edge, 503,
                "{\"error\":\"service_unavailable\",\"errorCode\":\"service_unavailable\","
                        + "\"errorDescription\":\"Too many WebSocket connections; try again\"}");
        for (int i = 0; i < 5; i++) {
            assertThat(get(edge, "/v1/validate")).isEqualTo("200 ok");
        }
        open.get(0).close();
        await().atMost(PATIENCE).until(() -> edge.openTunnels() == 2);
        assertThat(echo(connect(edge), "again")).isEqualTo("again");
    }

    @Test
    void handshakeToAServiceThatIsDownIs502WithJson() throws IOException {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        Edge edge = edge(EdgeSettings.defaults(), closedPort);
        assertThatUpgradeIsRefused(edge, 502, "{\"error\":\"bad_gateway\",\"errorCode\":\"bad_gateway\","
                + "\"errorDescription\":\"The service cannot be reached\"}");
        assertThat(edge.openTunnels()).isZero();
    }

    @Test
    void handshakeTheServiceRefusesReachesTheClientWithItsStatusHeadersAndJsonBody() {
        Edge edge = edge(EdgeSettings.defaults());
        UpgradeRejectedException rejected = refusedUpgrade(edge, "/ws-v1-challenge?refuse");
        assertThat(rejected.getStatus()).isEqualTo(401);
        assertThat(rejected.getBody().toString()).isEqualTo(StubService.REFUSAL);
        assertThat(rejected.getHeaders().get("Content-Type")).isEqualTo("application/json");
        assertThat(rejected.getHeaders().get("Retry-After")).isEqualTo("7");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(edge.openTunnels()).isZero());
    }

    private void assertThatUpgradeIsRefused(Edge edge, int status, String body) {
        UpgradeRejectedException rejected = refusedUpgrade(edge, "/ws-v1-challenge");
        assertThat(rejected.getStatus()).isEqualTo(status);
        assertThat(rejected.getBody().toString()).isEqualTo(body);
    }

    private UpgradeRejectedException refusedUpgrade(Edge edge, String path) {
        CompletableFuture<WebSocket> attempt = client.webSocket(edge.port(), "127.0.0.1", path)
                .toCompletionStage().toCompletableFuture();
        Throwable failure = attempt.handle((socket, e) -> e)
                .orTimeout(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        assertThat(cause).isInstanceOf(UpgradeRejectedException.class);
        return (UpgradeRejectedException) cause;
    }

    private WebSocket connect(Edge edge) {
        return client.webSocket(edge.port(), "127.0.0.1", "/ws-v1-challenge")
                .toCompletionStage().toCompletableFuture().orTimeout(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
    }

    private static String echo(WebSocket socket, String text) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        socket.textMessageHandler(answer::complete);
        socket.writeTextMessage(text);
        return answer.orTimeout(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
    }

    private String get(Edge edge, String path) {
        return client.request(io.vertx.core.http.HttpMethod.GET, edge.port(), "127.0.0.1", path)
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> response.statusCode() + " " + body))
                .toCompletionStage().toCompletableFuture()
                .orTimeout(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
    }
}
