package dev.countersign.common.event;

/** {@link ChallengeEvent}s from {@code challenge-events}; named in a consumer's Kafka configuration. */
public class ChallengeEventDeserializer extends SkippingDeserializer<ChallengeEvent> {

    public ChallengeEventDeserializer() {
        super(ChallengeEvent.class);
    }
}
