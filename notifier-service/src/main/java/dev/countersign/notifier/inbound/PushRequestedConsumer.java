package dev.countersign.notifier.inbound;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.notifier.delivery.push.ChannelDelivery;
import dev.countersign.notifier.delivery.webhook.WebhookDelivery;
import io.smallrye.mutiny.Uni;

/**
 * Delivers {@code push.requested} from {@code challenge-events} — the webhook and the devices'
 * APNs/FCM notifications side by side; every other type is ignored. The
 * consumer group is shared by all replicas (each push is delivered by one of them), and a
 * record is acknowledged — its offset committed — only once its delivery finished: accepted,
 * or handed to the dead-letter topic.
 */
@ApplicationScoped
public class PushRequestedConsumer {

    public static final String CHANNEL = "challenge-events";

    private static final Logger LOG = Logger.getLogger(PushRequestedConsumer.class);

    private final WebhookDelivery webhooks;
    private final ChannelDelivery devices;

    public PushRequestedConsumer(WebhookDelivery webhooks, ChannelDelivery devices) {
        this.webhooks = webhooks;
        this.devices = devices;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecord<String, ChallengeEvent> record) {
        ChallengeEvent event = record.value();
        if (event == null || !ChallengeEvent.PUSH_REQUESTED.equals(event.type())) {
            return Uni.createFrom().voidItem();
        }
        if (event.eventId() == null || event.tenantId() == null || event.challengeId() == null) {
            LOG.warnf("Skipping unusable push.requested (partition %d, offset %d)", record.partition(), record.offset());
            return Uni.createFrom().voidItem();
        }
        // Independent of each other: a slow webhook receiver does not hold up the phones.
        return Uni.join().all(webhooks.deliver(event), devices.deliver(event)).andCollectFailures().replaceWithVoid();
    }
}
