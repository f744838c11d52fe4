package dev.countersign.credential.config;

import dev.countersign.credential.messaging.DeliveryResult;
import dev.countersign.credential.messaging.DeliveryResultDeserializer;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * This service's records that a native image must keep for Jackson: the delivery results that clear dead push tokens (read from Kafka by
 * a deserializer named only in application.properties). What every service needs is in common's
 * NativeImageRegistrations.
 */
@RegisterForReflection(targets = {DeliveryResult.class, DeliveryResultDeserializer.class})
public final class NativeImageRegistrations {

    private NativeImageRegistrations() {
    }
}
