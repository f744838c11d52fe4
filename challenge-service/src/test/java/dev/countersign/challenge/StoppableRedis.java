package dev.countersign.challenge;

import static io.restassured.RestAssured.given;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.ConfigProvider;

import dev.countersign.local.infra.LocalRedis;
import dev.countersign.local.infra.RunDirectory;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;

/**
 * A Redis of its own for a test profile, which a test can stop and start again (empty, on the same
 * port) to play a Redis outage without touching the Redis every other test shares. Tests switch it
 * over HTTP ({@code POST /stop}, {@code POST /start}), which works whatever class loader the test
 * runs in, as for {@link CredentialServiceStub}.
 */
public class StoppableRedis implements QuarkusTestResourceLifecycleManager {

    static final String CONTROL_URL = "stoppable-redis.control-url";

    private RunDirectory directory;
    private LocalRedis redis;
    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        directory = RunDirectory.create("countersign-stoppable-redis-");
        try {
            Path dir = Files.createDirectories(directory.path().resolve("redis"));
            redis = LocalRedis.start(dir);
            vertx = Vertx.vertx();
            var server = vertx.createHttpServer().requestHandler(request -> {
                if (request.method() == HttpMethod.POST && request.path().equals("/stop")) {
                    vertx.executeBlocking(() -> {
                        redis.stop();
                        return null;
                    }).onComplete(done -> request.response().setStatusCode(done.succeeded() ? 200 : 500).end());
                } else if (request.method() == HttpMethod.POST && request.path().equals("/start")) {
                    vertx.executeBlocking(() -> {
                        redis.restart();
                        return null;
                    }).onComplete(done -> request.response().setStatusCode(done.succeeded() ? 200 : 500).end());
                } else {
                    request.response().setStatusCode(404).end();
                }
            }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return Map.of("quarkus.redis.hosts", redis.url(),
                    CONTROL_URL, "http://127.0.0.1:" + server.actualPort());
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the stoppable Redis", e);
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
        if (redis != null) {
            redis.close();
        }
        if (directory != null) {
            directory.close();
        }
    }

    static void stopRedis() {
        given().post(control() + "/stop").then().statusCode(200);
    }

    static void startRedis() {
        given().post(control() + "/start").then().statusCode(200);
    }

    private static String control() {
        return ConfigProvider.getConfig().getValue(CONTROL_URL, String.class);
    }
}
