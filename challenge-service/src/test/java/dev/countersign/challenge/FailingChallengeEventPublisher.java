package dev.countersign.challenge;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.challenge.lifecycle.ChallengeEventPublisher;
import dev.countersign.challenge.replica.KeyReplica;
import dev.countersign.common.event.ChallengeEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * The real publisher, except that a test can make the next N sends fail as an unreachable Kafka
 * would (nothing reaches the topic), to show what the outbox does then. Passes everything through
 * unless told otherwise.
 */
@Alternative
@Priority(1)
@Singleton
public class FailingChallengeEventPublisher extends ChallengeEventPublisher {

    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger sent = new AtomicInteger();

    public FailingChallengeEventPublisher(@Channel(CHANNEL) MutinyEmitter<ChallengeEvent> emitter, ObjectMapper json,
            KeyReplica replica) {
        super(emitter, json, replica);
    }

    /** The next {@code count} sends fail; 0 lets every send through again. */
    public void failNext(int count) {
        failures.set(count);
    }

    /** Sends that reached Kafka (acknowledged) since the application started. */
    public int sent() {
        return sent.get();
    }

    @Override
    protected Uni<Void> send(Message<ChallengeEvent> message) {
        if (failures.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            return Uni.createFrom().failure(new IllegalStateException("Kafka unavailable (test)"));
        }
        return super.send(message).invoke(done -> sent.incrementAndGet());
    }
}
