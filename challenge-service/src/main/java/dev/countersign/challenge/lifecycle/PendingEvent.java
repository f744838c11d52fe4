package dev.countersign.challenge.lifecycle;

import java.time.Instant;
import java.util.List;

import dev.countersign.common.event.ChallengeEvent;

/** An event a transition implies, waiting in the challenge's hash until Kafka acknowledged it. */
public record PendingEvent(String type, long version, Instant occurredAt) {

    /** The hash fields of pending events: {@code evt:<version>:<type>} = occurredAt (epoch ms). */
    static final String FIELD_PREFIX = "evt:";

    // Within one version: created before push.requested, as the initiation announces them.
    private static final List<String> ORDER = List.of(ChallengeEvent.CREATED, ChallengeEvent.PUSH_REQUESTED,
            ChallengeEvent.CLAIMED, ChallengeEvent.APPROVED, ChallengeEvent.REJECTED, ChallengeEvent.EXPIRED,
            ChallengeEvent.SUPERSEDED);

    public String field() {
        return FIELD_PREFIX + version + ":" + type;
    }

    int rank() {
        int rank = ORDER.indexOf(type);
        return rank < 0 ? ORDER.size() : rank;
    }
}
