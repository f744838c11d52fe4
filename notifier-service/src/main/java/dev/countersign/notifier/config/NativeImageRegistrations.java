package dev.countersign.notifier.config;

import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.common.event.ChallengeEventDeserializer;
import dev.countersign.notifier.delivery.DeadLetter;
import dev.countersign.notifier.delivery.DeliveryEvent;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native image must keep for reflection that Quarkus does not find by itself: the records
 * Jackson reads from and writes to Kafka (challenge-events in, delivery-events and the dead-letter
 * topic out), and the Kafka deserializer named only in application.properties. BouncyCastle is
 * registered by the native profile (quarkus.security.security-providers=BC).
 */
@RegisterForReflection(targets = {ChallengeEvent.class, ChallengeEventDeserializer.class, DeliveryEvent.class, DeadLetter.class},
        // BouncyCastle's P-256 ECDSA services, which common's EcdsaP256 and the ES256 tokens ask BC for by
        // name: quarkus-security's BC support registers the provider and its key factories, not these.
        classNames = {
            "org.bouncycastle.jcajce.provider.asymmetric.ec.SignatureSpi$ecDSA256",
            "org.bouncycastle.jcajce.provider.asymmetric.ec.SignatureSpi$ecDSA",
            "org.bouncycastle.jcajce.provider.asymmetric.ec.KeyFactorySpi$EC",
            "org.bouncycastle.jcajce.provider.asymmetric.ec.KeyPairGeneratorSpi$EC"})
public final class NativeImageRegistrations {

    private NativeImageRegistrations() {
    }
}
