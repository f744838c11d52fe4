package dev.countersign.notifier.kiosk;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.common.http.ClientAddress;
import dev.countersign.notifier.config.NotifierConfig;

/**
 * The kiosk sockets this replica holds per client address, capped at
 * {@code countersign.notifier.kiosk.max-sockets-per-address}, so that one client cannot open
 * sockets until the replica runs out of memory or file descriptors. IPv6 clients count per /64
 * (one subscriber usually holds the whole /64 and could otherwise cycle through it).
 *
 * <p>A slot is reserved at the handshake — before the upgrade, so a burst of parallel handshakes
 * cannot all pass a count taken earlier — and released when the socket closes. A reservation
 * whose socket never opened (the client vanished between check and upgrade) is given up after
 * {@link #HANDSHAKE_GRACE}, the next time its address asks for a slot.
 */
@ApplicationScoped
public class SocketsPerAddress {

    /** Far longer than any upgrade takes after the check has passed. */
    static final Duration HANDSHAKE_GRACE = Duration.ofSeconds(30);

    private final ConcurrentMap<String, Set<Slot>> held = new ConcurrentHashMap<>();
    private final int max;
    private final Clock clock;

    public SocketsPerAddress(NotifierConfig config, Clock clock) {
        this.max = config.kiosk().maxSocketsPerAddress();
        this.clock = clock;
    }

    /** One socket's place in its address's count. Only touched inside the map's per-key {@code compute}. */
    public static final class Slot {
        private final String key;
        private final Instant reservedAt;
        private volatile boolean opened;

        private Slot(String key, Instant reservedAt) {
            this.key = key;
            this.reservedAt = reservedAt;
        }
    }

    /** A slot for one more socket from this client address, or empty when it holds the maximum already. */
    public Optional<Slot> reserve(String clientAddress) {
        String key = key(clientAddress);
        Instant now = clock.instant();
        Slot[] reserved = new Slot[1];
        held.compute(key, (k, slots) -> {
            Set<Slot> current = slots == null ? new HashSet<>() : slots;
            current.removeIf(slot -> !slot.opened && slot.reservedAt.plus(HANDSHAKE_GRACE).isBefore(now));
            if (current.size() < max) {
                reserved[0] = new Slot(k, now);
                current.add(reserved[0]);
            }
            return current.isEmpty() ? null : current;
        });
        return Optional.ofNullable(reserved[0]);
    }

    /**
     * The socket of this slot is open: it counts until {@link #release}. A slot given up meanwhile
     * is counted again — the socket exists, whatever the cap says.
     */
    public void opened(Slot slot) {
        held.compute(slot.key, (k, slots) -> {
            Set<Slot> current = slots == null ? new HashSet<>() : slots;
            slot.opened = true;
            current.add(slot);
            return current;
        });
    }

    /** The socket closed (or never opened); releasing twice is harmless. */
    public void release(Slot slot) {
        held.computeIfPresent(slot.key, (k, slots) -> {
            slots.remove(slot);
            return slots.isEmpty() ? null : slots;
        });
    }

    /** Slots held for this client address's network (tests, diagnostics). */
    public int held(String clientAddress) {
        int[] count = new int[1];
        held.computeIfPresent(key(clientAddress), (k, slots) -> {
            count[0] = slots.size();
            return slots;
        });
        return count[0];
    }

    /** The /64 of an IPv6 address, an IPv4 address itself; anything else (no IP peer) as given. */
    static String key(String clientAddress) {
        return ClientAddress.network(clientAddress).orElse(String.valueOf(clientAddress));
    }
}
