package dev.countersign.credential.messaging;

import dev.countersign.common.event.SkippingDeserializer;

/** {@code delivery-events} values; an unreadable one becomes null and is skipped. */
public class DeliveryResultDeserializer extends SkippingDeserializer<DeliveryResult> {

    public DeliveryResultDeserializer() {
        super(DeliveryResult.class);
    }
}
