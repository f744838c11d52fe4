package dev.countersign.notifier.kiosk;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Readiness of the kiosk consumer: DOWN until this replica's own group holds partitions of
 * {@code challenge-events} with positions fixed. Before that, a kiosk connected here could miss
 * the claim of its challenge ({@code auto.offset.reset=latest} starts wherever the end is when the
 * position is first looked up), so the replica must not get traffic.
 */
@ApplicationScoped
@Identifier(KioskPartitions.NAME)
@Readiness
public class KioskPartitions implements KafkaConsumerRebalanceListener, HealthCheck {

    public static final String NAME = "kiosk-partitions";
    static final String CHECK = "Kiosk challenge-events partitions";

    private final Set<TopicPartition> assigned = new HashSet<>();

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        // Looking the positions up now fixes "latest" to this moment, before readiness goes UP.
        partitions.forEach(consumer::position);
        synchronized (assigned) {
            assigned.addAll(partitions);
        }
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        synchronized (assigned) {
            assigned.removeAll(partitions);
        }
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        onPartitionsRevoked(consumer, partitions);
    }

    @Override
    public HealthCheckResponse call() {
        int count;
        synchronized (assigned) {
            count = assigned.size();
        }
        return HealthCheckResponse.named(CHECK).status(count > 0).withData("partitions", count).build();
    }
}
