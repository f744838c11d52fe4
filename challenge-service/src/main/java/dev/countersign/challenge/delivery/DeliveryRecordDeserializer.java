package dev.countersign.challenge.delivery;

import dev.countersign.common.event.SkippingDeserializer;

/** {@code delivery-events} values; an unreadable one becomes null and is skipped. */
public class DeliveryRecordDeserializer extends SkippingDeserializer<DeliveryRecord> {

    public DeliveryRecordDeserializer() {
        super(DeliveryRecord.class);
    }
}
