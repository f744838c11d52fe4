package dev.countersign.challenge.config;

import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.common.event.CredentialEvent;
import dev.countersign.common.event.CredentialEventDeserializer;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native image must keep for reflection that Quarkus does not find by itself: the event
 * records Jackson writes to and reads from Kafka (REST bodies are registered by Quarkus REST), and
 * the Kafka deserializer named only in application.properties. BouncyCastle (ES256 tokens, device
 * signatures) is registered by the native profile (quarkus.security.security-providers=BC).
 */
@RegisterForReflection(targets = {ChallengeEvent.class, CredentialEvent.class, CredentialEventDeserializer.class})
public final class NativeImageRegistrations {

    private NativeImageRegistrations() {
    }
}
