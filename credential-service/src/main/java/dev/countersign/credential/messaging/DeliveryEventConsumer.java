package dev.countersign.credential.messaging;

import java.time.Duration;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.countersign.common.event.DeliveryEvent;
import dev.countersign.common.event.DeliveryStatus;
import dev.countersign.credential.service.CredentialService;
import io.smallrye.mutiny.Uni;

/**
 * Marks dead push tokens from {@code delivery-events}: an attempt whose provider answered
 * {@code unregistered} (APNs 410 / BadDeviceToken, FCM UNREGISTERED / 404) clears the credential's
 * token and announces {@code credential.updated}, so challenge-service stops targeting it. Every
 * other record is ignored. Clearing is idempotent and only hits the token that was reported, so
 * redeliveries and replays are harmless.
 */
@ApplicationScoped
public class DeliveryEventConsumer {

    public static final String CHANNEL = "delivery-events";

    private static final Logger LOG = Logger.getLogger(DeliveryEventConsumer.class);

    private final CredentialService credentials;

    public DeliveryEventConsumer(CredentialService credentials) {
        this.credentials = credentials;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecord<String, DeliveryEvent> record) {
        DeliveryEvent result = record.value();
        if (result == null || result.status() != DeliveryStatus.UNREGISTERED) {
            return Uni.createFrom().voidItem();
        }
        UUID credentialId;
        try {
            credentialId = UUID.fromString(String.valueOf(result.credentialId()));
        } catch (IllegalArgumentException e) {
            credentialId = null;
        }
        if (result.tenantId() == null || credentialId == null) {
            LOG.warnf("Skipping unusable delivery event %s (offset %d)", result.eventId(), record.offset());
            return Uni.createFrom().voidItem();
        }
        UUID id = credentialId;
        return credentials.markPushTokenUnregistered(result.tenantId(), id, result.pushTokenSha256())
                .invoke(changed -> {
                    if (changed) {
                        LOG.infof("Push token of credential %s reported unregistered by %s; cleared", id,
                                result.channel());
                    }
                })
                // PostgreSQL briefly away: retry; the update is idempotent.
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).atMost(15)
                .onFailure().recoverWithItem(failure -> {
                    LOG.errorf(failure, "Could not mark the push token of credential %s", id);
                    return false;
                })
                .replaceWithVoid();
    }
}
