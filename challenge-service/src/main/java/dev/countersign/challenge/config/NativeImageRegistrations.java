package dev.countersign.challenge.config;

import dev.countersign.challenge.delivery.DeliveryRecord;
import dev.countersign.challenge.delivery.DeliveryRecordDeserializer;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * This service's records that a native image must keep for Jackson: the delivery results get action shows (read from Kafka by
 * a deserializer named only in application.properties). What every service needs is in common's
 * NativeImageRegistrations.
 */
@RegisterForReflection(targets = {DeliveryRecord.class, DeliveryRecordDeserializer.class})
public final class NativeImageRegistrations {

    private NativeImageRegistrations() {
    }
}
