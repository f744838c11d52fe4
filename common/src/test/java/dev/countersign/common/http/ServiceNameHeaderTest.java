package dev.countersign.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

class ServiceNameHeaderTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void responseDoesNotNameTheServiceWhenTheSettingIsOff() throws Exception {
        assertThat(headerServedWith(new ServiceNameHeader(false, "challenge-service"))).isNull();
    }

    @Test
    void responseNamesTheServiceWhenTheSettingIsOn() throws Exception {
        assertThat(headerServedWith(new ServiceNameHeader(true, "challenge-service"))).isEqualTo("challenge-service");
    }

    private String headerServedWith(ServiceNameHeader header) throws Exception {
        Router router = Router.router(vertx);
        header.install(router);
        router.route().handler(ctx -> ctx.response().setStatusCode(404).end());
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        HttpClientResponse response = vertx.createHttpClient()
                .request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/v1/anything")
                .compose(request -> request.send())
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return response.getHeader(ServiceNameHeader.HEADER);
    }
}
