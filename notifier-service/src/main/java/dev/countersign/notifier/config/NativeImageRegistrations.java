package dev.countersign.notifier.config;

import dev.countersign.notifier.delivery.DeadLetter;
import dev.countersign.notifier.delivery.DeliveryEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The notifier's own records that a native image must keep for Jackson (delivery events and dead
 * letters it writes to Kafka); what every service needs is in common's NativeImageRegistrations.
 */
@RegisterForReflection(targets = {DeliveryEvent.class, DeadLetter.class})
public final class NativeImageRegistrations {

    private NativeImageRegistrations() {
    }
}
