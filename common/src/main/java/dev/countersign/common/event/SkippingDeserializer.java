package dev.countersign.common.event;

import org.jboss.logging.Logger;

import io.quarkus.kafka.client.serialization.ObjectMapperDeserializer;

/**
 * An event record's JSON, read with the application's ObjectMapper. An unreadable value becomes
 * null, which the consumers skip: one bad record must not stop a consumer for every later event.
 */
public abstract class SkippingDeserializer<T> extends ObjectMapperDeserializer<T> {

    private static final Logger LOG = Logger.getLogger(SkippingDeserializer.class);

    private final String what;

    protected SkippingDeserializer(Class<T> type) {
        super(type);
        this.what = type.getSimpleName();
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        try {
            return super.deserialize(topic, data);
        } catch (RuntimeException e) {
            LOG.warnf("Unreadable %s on %s: %s", what, topic, e.getMessage());
            return null;
        }
    }
}
