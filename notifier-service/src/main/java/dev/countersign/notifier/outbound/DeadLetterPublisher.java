package dev.countersign.notifier.outbound;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/** Publishes undeliverable events on {@code challenge-events-dlq} (key = challenge id), acknowledged by the broker. */
@ApplicationScoped
public class DeadLetterPublisher {

    public static final String CHANNEL = "challenge-events-dlq";

    private final MutinyEmitter<DeadLetter> emitter;

    public DeadLetterPublisher(@Channel(CHANNEL) MutinyEmitter<DeadLetter> emitter) {
        this.emitter = emitter;
    }

    public Uni<Void> publish(DeadLetter letter) {
        return Uni.createFrom().deferred(() -> emitter.sendMessage(Message.of(letter)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(letter.event().challengeId()).build())));
    }
}
