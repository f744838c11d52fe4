package dev.countersign.notifier.delivery;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The event ids this replica recently took on, oldest forgotten first. Redeliveries within one run
 * (a rebalance, a producer retry of the same event) are dropped here; across restarts the
 * committed offsets and the receiver's deduplication by webhook id cover it (docs/notifier-service.md).
 */
public final class RecentEvents {

    private final Map<String, Boolean> ids;

    public RecentEvents(int capacity) {
        this.ids = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True the first time an id is seen (and remembers it); false for a repeat. */
    public synchronized boolean claim(String eventId) {
        return ids.putIfAbsent(eventId, Boolean.TRUE) == null;
    }

    /** Forgets an id whose delivery did not finish, so a redelivery tries again. */
    public synchronized void release(String eventId) {
        ids.remove(eventId);
    }
}
