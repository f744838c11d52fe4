package dev.countersign.notifier.messaging;

import org.jboss.logging.Logger;

import dev.countersign.common.event.ChallengeEvent;
import io.quarkus.kafka.client.serialization.ObjectMapperDeserializer;

/**
 * {@link ChallengeEvent} JSON from {@code challenge-events}. An unreadable value becomes null and
 * is skipped: one bad record must not stop delivery for every later event.
 */
public class ChallengeEventDeserializer extends ObjectMapperDeserializer<ChallengeEvent> {

    private static final Logger LOG = Logger.getLogger(ChallengeEventDeserializer.class);

    public ChallengeEventDeserializer() {
        super(ChallengeEvent.class);
    }

    @Override
    public ChallengeEvent deserialize(String topic, byte[] data) {
        try {
            return super.deserialize(topic, data);
        } catch (RuntimeException e) {
            LOG.warnf("Unreadable challenge event on %s: %s", topic, e.getMessage());
            return null;
        }
    }
}
