package dev.countersign.credential.messaging;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.credential.service.CredentialService;
import io.smallrye.mutiny.Uni;

/**
 * Keeps {@code lastVerifiedAt} from {@code challenge-events}: a {@code challenge.approved} moves the
 * approving credential's timestamp forward to the event's {@code occurredAt}. Every other type is
 * ignored. The update only ever moves forward, so redeliveries, a replay after a consumer-group
 * reset and events arriving out of order (the topic's partitions are keyed by challenge, not by
 * credential) change nothing they should not.
 */
@ApplicationScoped
public class ChallengeEventConsumer {

    public static final String CHANNEL = "challenge-events";

    private static final Logger LOG = Logger.getLogger(ChallengeEventConsumer.class);

    private final CredentialService credentials;

    public ChallengeEventConsumer(CredentialService credentials) {
        this.credentials = credentials;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecord<String, ChallengeEvent> record) {
        ChallengeEvent event = record.value();
        if (event == null || !ChallengeEvent.APPROVED.equals(event.type())) {
            return Uni.createFrom().voidItem();
        }
        Optional<UUID> credentialId = uuid(event.credentialId());
        if (event.tenantId() == null || credentialId.isEmpty() || event.occurredAt() == null) {
            LOG.warnf("Skipping unusable challenge event %s (partition %d, offset %d)", event.eventId(),
                    record.partition(), record.offset());
            return Uni.createFrom().voidItem();
        }
        return credentials.recordVerification(event.tenantId(), credentialId.get(), event.occurredAt())
                // PostgreSQL briefly away: retry rather than stop the channel; the update is idempotent.
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).atMost(15)
                // lastVerifiedAt is informational: after that, log and keep consuming rather than
                // stop every later event behind one stuck write.
                .onFailure().recoverWithItem(failure -> {
                    LOG.errorf(failure, "Could not record the approval %s of credential %s", event.eventId(),
                            event.credentialId());
                    return false;
                })
                .replaceWithVoid();
    }

    private static Optional<UUID> uuid(String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
