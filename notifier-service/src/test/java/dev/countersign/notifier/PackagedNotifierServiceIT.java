package dev.countersign.notifier;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.countersign.testkit.Management;
import io.quarkus.test.junit.QuarkusIntegrationTest;

import org.junit.jupiter.api.Test;

/**
 * The packaged artifact (the jar; the native executable under -Pnative) on the real servers: it
 * starts, its Kafka consumer and producers are ready, and it exposes the metrics the chart's
 * scrape annotations point at.
 */
@QuarkusIntegrationTest
class PackagedNotifierServiceIT {

    @Test
    void packagedServiceIsReadyWithItsKafkaChannels() {
        Management.given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("SmallRye Reactive Messaging - readiness check"));
        Management.given().when().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
        Management.given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void prometheusMetricsAreExposed() {
        Management.given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("process_uptime_seconds"));
    }
}
