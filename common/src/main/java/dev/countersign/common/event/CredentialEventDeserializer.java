package dev.countersign.common.event;

/** {@link CredentialEvent}s from {@code credential-events}; named in a consumer's Kafka configuration. */
public class CredentialEventDeserializer extends SkippingDeserializer<CredentialEvent> {

    public CredentialEventDeserializer() {
        super(CredentialEvent.class);
    }
}
