package dev.countersign.notifier.kiosk;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.countersign.common.event.ChallengeEvent;
import io.smallrye.mutiny.Uni;

/**
 * {@code challenge-events} for the kiosk sockets. Unlike {@link PushRequestedConsumer} this
 * channel's consumer group is per replica ({@code notifier-kiosk-<instance uuid>}, from the latest
 * offset, nothing committed): a kiosk's socket sits on one replica, which cannot know in advance
 * which, so every replica must see every event and keep those of its own sockets.
 */
@ApplicationScoped
public class KioskEventsConsumer {

    public static final String CHANNEL = "kiosk-challenge-events";

    private final KioskSessions sessions;

    public KioskEventsConsumer(KioskSessions sessions) {
        this.sessions = sessions;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(ChallengeEvent event) {
        if (event == null || !"qr-code".equals(event.kind())) {
            return Uni.createFrom().voidItem();
        }
        return sessions.onEvent(event);
    }
}
