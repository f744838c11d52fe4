package dev.countersign.credential.config;

import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.common.event.ChallengeEventDeserializer;
import dev.countersign.common.event.CredentialEvent;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native image must keep for reflection that Quarkus does not find by itself: the event
 * records Jackson writes to and reads from Kafka (REST bodies are registered by Quarkus REST), and
 * the Kafka deserializer named only in application.properties. Flyway's migrations are bundled by
 * quarkus-flyway; BouncyCastle by the native profile (quarkus.security.security-providers=BC).
 */
@RegisterForReflection(targets = {CredentialEvent.class, ChallengeEvent.class, ChallengeEventDeserializer.class},
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
