package dev.countersign.notifier.config;

import dev.countersign.notifier.outbound.DeadLetter;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The notifier's own records that a native image must keep for Jackson (the dead letters it writes
 * to Kafka); what every service needs, the delivery events included, is in common's
 * NativeImageRegistrations.
 */
@RegisterForReflection(targets = {DeadLetter.class})
public final class NativeImageRegistrations {

    private NativeImageRegistrations() {
    }
}
