package dev.countersign.challenge.messaging;

import org.jboss.logging.Logger;

import dev.countersign.common.event.CredentialEvent;
import io.quarkus.kafka.client.serialization.ObjectMapperDeserializer;

/**
 * {@link CredentialEvent} JSON from {@code credential-events}, read with the application's
 * ObjectMapper. An unreadable value becomes null and is skipped: one bad record must not stop
 * the replica for every later event.
 */
public class CredentialEventDeserializer extends ObjectMapperDeserializer<CredentialEvent> {

    private static final Logger LOG = Logger.getLogger(CredentialEventDeserializer.class);

    public CredentialEventDeserializer() {
        super(CredentialEvent.class);
    }

    @Override
    public CredentialEvent deserialize(String topic, byte[] data) {
        try {
            return super.deserialize(topic, data);
        } catch (RuntimeException e) {
            LOG.warnf("Unreadable credential event on %s: %s", topic, e.getMessage());
            return null;
        }
    }
}
