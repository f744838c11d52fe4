package dev.countersign.common.event;

/** {@link DeliveryEvent}s from {@code delivery-events}; named in a consumer's Kafka configuration. */
public class DeliveryEventDeserializer extends SkippingDeserializer<DeliveryEvent> {

    public DeliveryEventDeserializer() {
        super(DeliveryEvent.class);
    }
}
