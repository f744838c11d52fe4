package dev.countersign.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.countersign.common.internal.InternalSecret;
import dev.countersign.local.launcher.CountersignStack;

/**
 * A service reached directly, past the edge (a neighbour on the network): its API port serves no
 * {@code /q/*}, health and metrics answer only on the management port, and {@code /internal/*}
 * needs the run's shared secret.
 */
@ExtendWith(RunningStack.class)
class DirectServiceAccessTest {

    @Test
    void managementPathsOnAServicesApiPortAreJsonNotFound(CountersignStack stack) {
        for (Map.Entry<String, Integer> service : stack.servicePorts().entrySet()) {
            for (String path : new String[] {"/q/health/ready", "/q/metrics", "/q/openapi"}) {
                given().baseUri("http://127.0.0.1:" + service.getValue()).when().get(path)
                        .then().statusCode(404).contentType("application/json")
                        .body("errorCode", equalTo("not_found"));
            }
        }
    }

    @Test
    void healthAndMetricsAnswerOnEachManagementPort(CountersignStack stack) {
        for (int port : stack.managementPorts().values()) {
            given().baseUri("http://127.0.0.1:" + port).when().get("/q/health/ready")
                    .then().statusCode(200).body("status", equalTo("UP"));
            given().baseUri("http://127.0.0.1:" + port).when().get("/q/metrics").then().statusCode(200);
        }
    }

    @Test
    void internalRoutesNeedTheRunsSharedSecret(CountersignStack stack) {
        String credentialService = "http://127.0.0.1:" + stack.servicePorts().get("credential-service");
        String path = "/internal/v1/user-credentials";
        given().baseUri(credentialService).queryParam("tenantId", stack.tenantId()).queryParam("userId", "nobody")
                .when().get(path)
                .then().statusCode(401).contentType("application/json").body("errorCode", equalTo("unauthorized"));
        given().baseUri(credentialService).header(InternalSecret.HEADER, "not-the-secret-of-this-run-0123456789")
                .queryParam("tenantId", stack.tenantId()).queryParam("userId", "nobody")
                .when().get(path)
                .then().statusCode(401).body("errorCode", equalTo("unauthorized"));
        given().baseUri(credentialService).header(InternalSecret.HEADER, stack.internalSecret())
                .queryParam("tenantId", stack.tenantId()).queryParam("userId", "nobody")
                .when().get(path)
                .then().statusCode(200).body("credentials.size()", equalTo(0));
    }
}
