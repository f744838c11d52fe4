package dev.countersign.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.countersign.local.edge.RouteTable;
import dev.countersign.local.launcher.CountersignStack;
import io.restassured.response.Response;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(RunningStack.class)
class EdgeRoutingTest {

    private static Vertx vertx;

    @BeforeAll
    static void startClient() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopClient() {
        vertx.close();
    }

    @Test
    void everyPublicRouteReachesTheServiceItNames(CountersignStack stack) {
        for (RouteTable.Route route : RouteTable.load().routes()) {
            Response response = given().baseUri("http://127.0.0.1:" + stack.edgePort())
                    .when().get(route.samplePath());
            assertThat(response.header("X-Countersign-Service"))
                    .as("GET %s (%s)", route.samplePath(), route.path())
                    .isEqualTo(route.service());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/v1", "/v1/no-such-thing", "/q/health/ready", "/q/metrics",
        "/internal/v1/credentials", "/ws-v1-challengex", "/kioskx"})
    void pathOutsideTheRouteTableGetsJsonNotFoundFromTheEdge(String path, CountersignStack stack) {
        given().baseUri("http://127.0.0.1:" + stack.edgePort())
                .when().get(path)
                .then().statusCode(404)
                .contentType("application/json")
                .header("X-Countersign-Service", nullValue())
                .body("error", equalTo("not_found"))
                .body("errorCode", equalTo("not_found"));
    }

    @Test
    void dotSegmentsCannotReachInternalPaths(CountersignStack stack) throws Exception {
        // Sent raw: HTTP client libraries would normalise the dots away before sending.
        Map.Entry<HttpClientResponse, Buffer> answer = vertx.createHttpClient()
                .request(HttpMethod.GET, stack.edgePort(), "127.0.0.1", "/v1/users/x/../../q/health/ready")
                .compose(request -> request.send().compose(r -> r.body().map(b -> Map.entry(r, b))))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(answer.getKey().statusCode()).isEqualTo(400);
        assertThat(answer.getValue().toJsonObject().getString("error")).isEqualTo("invalid_request");
    }

    @Test
    void webSocketUpgradesThroughTheEdgeWithTheAuthsignalSubprotocol(CountersignStack stack) throws Exception {
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost("127.0.0.1").setPort(stack.edgePort()).setURI("/ws-v1-challenge")
                .addSubProtocol("authsignal-ws").addSubProtocol("x.authsignal.tenant." + stack.tenantId());
        WebSocket socket = vertx.createWebSocketClient().connect(options)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try {
            assertThat(socket.subProtocol()).isEqualTo("authsignal-ws");
        } finally {
            socket.close();
        }
    }
}
