package dev.countersign.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.countersign.testkit.Management;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Series a dashboard or alert uses exist before their first event (docs/observability.md#series-from-the-start),
 * and the delivery group's consumer lag is exported (docs/observability.md#consumer-lag).
 */
@QuarkusTest
class NotifierMetricsSeriesTest {

    @Test
    void deliveriesDeadLettersAndAttemptsOfEveryChannelExistAtZeroFromTheStart() {
        String text = metrics();
        // No test here dead-letters an FCM delivery or has an APNs token die: present all the same.
        assertThat(text.lines()).anyMatch(l -> l.startsWith("countersign_dead_letters_total{") && l.contains("channel=\"fcm\""));
        assertThat(text.lines()).anyMatch(l -> l.startsWith("countersign_push_deliveries_total{")
                && l.contains("channel=\"apns\"") && l.contains("result=\"unregistered\""));
        assertThat(text.lines()).anyMatch(l -> l.startsWith("countersign_webhook_attempts_total{") && l.contains("result=\"rejected\""));
    }

    @Test
    void theDeliveryGroupsConsumerLagIsExportedButNotThePerReplicaKioskGroups() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(metrics().lines()
                .filter(l -> l.startsWith("countersign_kafka_consumer_lag{")))
                .anyMatch(l -> l.contains("group=\"notifier-service-delivery\"") && l.contains("topic=\"challenge-events\"")
                        && !l.endsWith(" NaN"))
                .noneMatch(l -> l.contains("notifier-kiosk-")));
    }

    private static String metrics() {
        return Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
