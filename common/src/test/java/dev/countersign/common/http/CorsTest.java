package dev.countersign.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.countersign.common.crypto.Sha256;
import dev.countersign.common.tenant.Tenant;
import dev.countersign.common.tenant.Tenants;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;

/** Same-origin by {@code X-Forwarded-Host} only when a trusted proxy wrote it. */
class CorsTest {

    private static final String FOREIGN = "https://evil.example";

    private final Vertx vertx = Vertx.vertx();
    private final Tenants tenants = new Tenants(List.of(
            new Tenant("tenant-123", Sha256.digest("sk_secret"), List.of("https://shop.example"), Map.of())));

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void directClientsForwardedHostDoesNotMakeAForeignOriginSameOrigin() throws Exception {
        // The test client connects from the loopback, which this deployment does not trust.
        assertThat(preflightStatus(new ClientAddresses(List.of("10.0.0.0/8"), false))).isEqualTo(403);
    }

    @Test
    void trustedProxysForwardedHostMakesTheOriginItNamesSameOrigin() throws Exception {
        assertThat(preflightStatus(new ClientAddresses(List.of("127.0.0.1/32"), false))).isEqualTo(204);
    }

    /** A preflight from {@link #FOREIGN} claiming, by X-Forwarded-Host, to address that very host. */
    private int preflightStatus(ClientAddresses clientAddresses) throws Exception {
        Router router = Router.router(vertx);
        new Cors(tenants, clientAddresses).install(router);
        router.route().handler(ctx -> ctx.response().setStatusCode(204).end()); // passed through as same-origin
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.OPTIONS).setHost("127.0.0.1")
                .setPort(server.actualPort()).setURI("/v1/client/user-authenticators")
                .putHeader("Origin", FOREIGN).putHeader("Access-Control-Request-Method", "GET")
                .putHeader("X-Forwarded-Host", "evil.example");
        HttpClientResponse response = vertx.createHttpClient().request(options).compose(request -> request.send())
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return response.statusCode();
    }
}
