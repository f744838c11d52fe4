package dev.countersign.notifier.outbound;

import java.net.URI;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.countersign.common.event.DeliveryEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/** Publishes delivery attempts on {@code delivery-events} (CloudEvents binary, key = challenge id). */
@ApplicationScoped
public class DeliveryEventPublisher {

    public static final String CHANNEL = "delivery-events";
    static final URI SOURCE = URI.create("/countersign/notifier-service");

    private final MutinyEmitter<DeliveryEvent> emitter;

    public DeliveryEventPublisher(@Channel(CHANNEL) MutinyEmitter<DeliveryEvent> emitter) {
        this.emitter = emitter;
    }

    public Uni<Void> publish(DeliveryEvent event) {
        return Uni.createFrom().deferred(() -> emitter.sendMessage(Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.challengeId()).build())
                .addMetadata(OutgoingCloudEventMetadata.<DeliveryEvent>builder()
                        .withId(event.eventId())
                        .withType(event.cloudEventType())
                        .withSource(SOURCE)
                        .withSubject(event.challengeId())
                        .withTimestamp(event.occurredAt().atZone(ZoneOffset.UTC))
                        .build())));
    }
}
