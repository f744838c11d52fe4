package dev.countersign.challenge.delivery;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.countersign.common.event.DeliveryEvent;
import io.smallrye.mutiny.Uni;

/**
 * Keeps each action's delivery results from the notifier's {@code delivery-events}: the latest
 * attempt per challenge, channel and device, shown by get action. Informational only: nothing here
 * changes a challenge or an action's state (a failed delivery never fails the challenge).
 */
@ApplicationScoped
public class DeliveryEventConsumer {

    public static final String CHANNEL = "delivery-events";

    private static final Logger LOG = Logger.getLogger(DeliveryEventConsumer.class);

    private final DeliveryResultStore results;

    public DeliveryEventConsumer(DeliveryResultStore results) {
        this.results = results;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecord<String, DeliveryEvent> record) {
        DeliveryEvent delivery = record.value();
        if (delivery == null) {
            return Uni.createFrom().voidItem();
        }
        if (delivery.tenantId() == null || delivery.idempotencyKey() == null || delivery.challengeId() == null
                || delivery.channel() == null || delivery.status() == null || delivery.attempt() == null) {
            // Records of older notifiers carry no idempotency key: nothing to attach them to.
            LOG.debugf("Delivery event %s not attached to an action (offset %d)", delivery.eventId(), record.offset());
            return Uni.createFrom().voidItem();
        }
        return results.record(delivery)
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(10)
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("Delivery result %s not kept: %s", delivery.eventId(), failure.getMessage());
                    return false;
                })
                .replaceWithVoid();
    }
}
