package dev.countersign.credential;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.countersign.testkit.TestTenants;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * PostgreSQL unreachable (here: the requests' pool points at a port nobody listens on; the
 * migration at start still ran over JDBC): an outage is 503 with {@code Retry-After}, never 500.
 */
@QuarkusTest
@TestProfile(PostgresUnavailableTest.ClosedPort.class)
class PostgresUnavailableTest {

    public static class ClosedPort implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ClosedPostgresPort.class));
        }
    }

    /** A port that was free a moment ago and is closed again: connections to it are refused. */
    public static class ClosedPostgresPort implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return Map.of("quarkus.datasource.reactive.url",
                        "postgresql://127.0.0.1:" + socket.getLocalPort() + "/countersign");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
        }
    }

    @Test
    void unreachableDatabaseIsServiceUnavailableWithRetryAfter() {
        for (int i = 0; i < 3; i++) {
            given().header("Authorization", TestTenants.serverAuthorization(TestTenants.SECRET_KEY))
                    .when().get("/v1/users/" + CredentialTestSupport.newUser() + "/authenticators")
                    .then().statusCode(503).header("Retry-After", "5")
                    .body("error", equalTo("service_unavailable"))
                    .body("errorCode", equalTo("service_unavailable"));
        }
    }
}
