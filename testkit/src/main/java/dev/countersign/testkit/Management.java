package dev.countersign.testkit;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/**
 * The service's management interface ({@code /q/*}: health, metrics, OpenAPI), on a port of its
 * own. {@link RealInfrastructure} picks the port once and sets it as {@code quarkus.management.port}
 * (the packaged artifact) and {@code quarkus.management.test-port} (a {@code @QuarkusTest}), also as a
 * system property of the test JVM, so both kinds of test find it here.
 */
public final class Management {

    static final String PORT_PROPERTY = "quarkus.management.test-port";

    private Management() {
    }

    /** A request to the management port. */
    public static RequestSpecification given() {
        return RestAssured.given().baseUri("http://localhost").port(port());
    }

    public static int port() {
        Integer port = Integer.getInteger(PORT_PROPERTY);
        if (port == null) {
            throw new IllegalStateException("No management port: the test needs RealInfrastructure");
        }
        return port;
    }
}
