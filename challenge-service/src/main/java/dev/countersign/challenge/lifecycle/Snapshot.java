package dev.countersign.challenge.lifecycle;

import java.util.List;

/** A challenge as stored, with the events its transitions recorded and nobody published yet. */
public record Snapshot(Challenge challenge, List<PendingEvent> pending) {
}
