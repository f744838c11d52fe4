package dev.countersign.challenge.lifecycle;

import java.util.List;
import java.util.Set;

/** A challenge as stored, with the events its transitions recorded and nobody published yet. */
public record Snapshot(Challenge challenge, List<PendingEvent> pending) {

    /** The same without the events whose hash fields are {@code fields} (another publisher has them). */
    Snapshot without(Set<String> fields) {
        return new Snapshot(challenge, pending.stream().filter(event -> !fields.contains(event.field())).toList());
    }
}
