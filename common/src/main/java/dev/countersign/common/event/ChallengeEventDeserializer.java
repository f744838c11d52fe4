package dev.countersign.common.event;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * {@link ChallengeEvent}s from {@code challenge-events}; named in a consumer's Kafka configuration.
 * A consumer that needs only some types names one of the nested deserializers: a record of another
 * type (its CloudEvents {@code ce_type} header) becomes null, which the consumers skip, without its
 * JSON being read — most of the topic, for consumers that act on one step of a flow.
 */
public class ChallengeEventDeserializer extends SkippingDeserializer<ChallengeEvent> {

    private final Set<String> wantedTypes;

    /** Every challenge event. */
    public ChallengeEventDeserializer() {
        this(Set.of());
    }

    /** Only events whose {@code ce_type} is one of {@code types} (challenge event types); empty: all. */
    protected ChallengeEventDeserializer(Set<String> types) {
        super(ChallengeEvent.class);
        this.wantedTypes = types.stream().map(type -> ChallengeEvent.TYPE_PREFIX + type)
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public ChallengeEvent deserialize(String topic, Headers headers, byte[] data) {
        if (!wantedTypes.isEmpty()) {
            Header type = headers == null ? null : headers.lastHeader("ce_type");
            // No type header (not one of ours): read it, and let the consumer judge the body.
            if (type != null && !wantedTypes.contains(new String(type.value(), StandardCharsets.UTF_8))) {
                return null;
            }
        }
        return deserialize(topic, data);
    }

    /** Only {@code challenge.approved} (credential-service's {@code lastVerifiedAt}). */
    public static class Approvals extends ChallengeEventDeserializer {
        public Approvals() {
            super(Set.of(ChallengeEvent.APPROVED));
        }
    }

    /** Only {@code push.requested} (the notifier's push delivery). */
    public static class PushRequests extends ChallengeEventDeserializer {
        public PushRequests() {
            super(Set.of(ChallengeEvent.PUSH_REQUESTED));
        }
    }
}
