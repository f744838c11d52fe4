package dev.countersign.common;

import dev.countersign.common.event.AttestationVerdict;
import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.common.event.ChallengeEventDeserializer;
import dev.countersign.common.event.CredentialEvent;
import dev.countersign.common.event.CredentialEventDeserializer;
import dev.countersign.common.event.DeliveryEvent;
import dev.countersign.common.event.DeliveryEventDeserializer;
import dev.countersign.common.event.DeliveryStatus;
import dev.countersign.common.event.PushTarget;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native image of any service must keep for reflection that Quarkus does not find by itself
 * (this module has a Jandex index, so every service picks it up): the event records Jackson writes
 * to and reads from Kafka, and their deserializers, named only in application.properties. Each
 * service's {@code config/NativeImageRegistrations} adds its own. BouncyCastle (ES256 tokens, device
 * signatures) is registered by the native profile (quarkus.security.security-providers=BC).
 */
@RegisterForReflection(targets = {ChallengeEvent.class, CredentialEvent.class, AttestationVerdict.class,
        PushTarget.class, DeliveryEvent.class, DeliveryStatus.class, ChallengeEventDeserializer.class,
        ChallengeEventDeserializer.Approvals.class, ChallengeEventDeserializer.PushRequests.class,
        CredentialEventDeserializer.class, DeliveryEventDeserializer.class},
        // BouncyCastle's P-256 ECDSA services, which EcdsaP256 and the ES256 tokens ask BC for by
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
