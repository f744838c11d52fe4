package dev.countersign.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

class ConsumerLagTest {

    @Test
    void theGroupsAreTheKafkaChannelsThatCommitEachWithItsTopic() {
        Config config = new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(Map.ofEntries(
                Map.entry("mp.messaging.incoming.challenge-events.connector", "smallrye-kafka"),
                Map.entry("mp.messaging.incoming.challenge-events.group.id", "notifier-service-delivery"),
                Map.entry("mp.messaging.incoming.kiosk.connector", "smallrye-kafka"),
                Map.entry("mp.messaging.incoming.kiosk.topic", "challenge-events"),
                Map.entry("mp.messaging.incoming.kiosk.group.id", "notifier-kiosk-1"),
                Map.entry("mp.messaging.incoming.kiosk.commit-strategy", "ignore"),
                Map.entry("mp.messaging.incoming.delivery.connector", "smallrye-kafka"),
                Map.entry("mp.messaging.incoming.delivery.topic", "delivery-events"),
                Map.entry("mp.messaging.incoming.delivery.group.id", "results"),
                Map.entry("mp.messaging.incoming.other.connector", "smallrye-in-memory"),
                Map.entry("mp.messaging.incoming.other.group.id", "not-kafka")), "test", 100)).build();

        assertThat(ConsumerLag.subscriptions(config)).containsExactlyInAnyOrder(
                new ConsumerLag.Subscription("notifier-service-delivery", "challenge-events"),
                new ConsumerLag.Subscription("results", "delivery-events"));
    }
}
