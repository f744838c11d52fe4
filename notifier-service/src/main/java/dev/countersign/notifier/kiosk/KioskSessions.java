package dev.countersign.notifier.kiosk;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.annotation.PreDestroy;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.common.json.WireTime;
import dev.countersign.notifier.config.NotifierConfig;
import dev.countersign.notifier.kiosk.client.ChallengeServiceClient;
import dev.countersign.notifier.kiosk.client.ChallengeServiceException;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * The kiosk sockets this replica holds and the QR challenges each one created, in memory only:
 * {challengeId → socket, device code}. Every replica sees every challenge event (its own consumer
 * group) and acts only on the challenges its own sockets created, so a socket never hears of a
 * challenge it did not create. The device code never leaves this map except towards challenge-service.
 */
@ApplicationScoped
public class KioskSessions {

    public static final String UNCLAIMED = "unclaimed";
    public static final String CLAIMED = "claimed";
    public static final String APPROVED = "approved";
    public static final String REJECTED = "rejected";

    /** Normal closure, for idle sockets (docs/protocol/decisions.md#14-kiosk-websocket). */
    static final CloseReason IDLE = new CloseReason(1000, "idle");

    private static final Logger LOG = Logger.getLogger(KioskSessions.class);
    private static final int VERIFY_TRIES = 3;

    private final ConcurrentMap<String, Socket> sockets = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Challenge> challenges = new ConcurrentHashMap<>();
    private final ChallengeServiceClient challengeService;
    private final NotifierConfig.Kiosk config;
    private final ObjectMapper json;
    private final Clock clock;
    private final Vertx vertx;
    private long sweepTimer = -1;

    public KioskSessions(ChallengeServiceClient challengeService, NotifierConfig config, ObjectMapper json, Clock clock, Vertx vertx) {
        this.challengeService = challengeService;
        this.config = config.kiosk();
        this.json = json;
        this.clock = clock;
        this.vertx = vertx;
    }

    void startSweeping(@Observes StartupEvent event) {
        sweepTimer = vertx.setPeriodic(config.sweepInterval().toMillis(), id -> sweep());
    }

    @PreDestroy
    void stopSweeping() {
        if (sweepTimer >= 0) {
            vertx.cancelTimer(sweepTimer);
        }
    }

    /** One socket: who it is, its CREATE_CHALLENGE budget, its challenges (oldest first). */
    static final class Socket {
        final WebSocketConnection connection;
        final KioskClient client;
        final Deque<String> challengeIds = new ArrayDeque<>();
        double tokens;
        Instant refilledAt;
        Instant lastActivity;

        Socket(WebSocketConnection connection, KioskClient client, int burst, Instant now) {
            this.connection = connection;
            this.client = client;
            this.tokens = burst;
            this.refilledAt = now;
            this.lastActivity = now;
        }
    }

    /** One live QR challenge of a socket; {@code state} moves only forward, once. */
    record Challenge(String challengeId, String tenantId, String deviceCode, Instant expiresAt, Socket socket,
            AtomicReference<String> state) {
    }

    public void opened(WebSocketConnection connection, KioskClient client) {
        sockets.put(connection.id(), new Socket(connection, client, config.createChallengeBurst(), clock.instant()));
    }

    public void closed(WebSocketConnection connection) {
        Socket socket = sockets.remove(connection.id());
        if (socket != null) {
            synchronized (socket) {
                socket.challengeIds.forEach(challenges::remove);
                socket.challengeIds.clear();
            }
        }
    }

    public KioskClient client(WebSocketConnection connection) {
        Socket socket = sockets.get(connection.id());
        return socket == null ? null : socket.client;
    }

    /**
     * Takes one CREATE_CHALLENGE from the socket's budget (a token bucket: a burst, then one per
     * interval), so one socket's flood costs challenge-service little and other sockets nothing.
     */
    public boolean tryCreate(WebSocketConnection connection) {
        Socket socket = sockets.get(connection.id());
        if (socket == null) {
            return false;
        }
        Instant now = clock.instant();
        synchronized (socket) {
            socket.lastActivity = now;
            double interval = Math.max(1, config.createChallengeInterval().toMillis());
            double earned = Duration.between(socket.refilledAt, now).toMillis() / interval;
            socket.tokens = Math.min(config.createChallengeBurst(), socket.tokens + earned);
            socket.refilledAt = now;
            if (socket.tokens < 1) {
                return false;
            }
            socket.tokens -= 1;
            return true;
        }
    }

    /** Remembers a created challenge for its socket; false if the socket closed meanwhile. */
    public boolean register(WebSocketConnection connection, ChallengeServiceClient.CreatedChallenge created) {
        Socket socket = sockets.get(connection.id());
        if (socket == null) {
            return false;
        }
        synchronized (socket) {
            challenges.put(created.challengeId(), new Challenge(created.challengeId(), socket.client.tenantId(),
                    created.deviceCode(), created.expiresAt(), socket, new AtomicReference<>(UNCLAIMED)));
            socket.challengeIds.addLast(created.challengeId());
            while (socket.challengeIds.size() > config.maxLiveChallenges()) {
                challenges.remove(socket.challengeIds.removeFirst());
            }
            socket.lastActivity = clock.instant();
        }
        return true;
    }

    /** {@code CHALLENGE_CREATED} exactly as the browser SDK reads it (docs/protocol/wire.md#42-qr-over-the-kiosk-websocket). */
    public String challengeCreated(ChallengeServiceClient.CreatedChallenge created) {
        ObjectNode data = json.createObjectNode()
                .put("challengeId", created.challengeId())
                .put("challengeType", "QR_CODE")
                .put("expiresAt", WireTime.format(created.expiresAt()))
                .put("state", UNCLAIMED);
        return message("CHALLENGE_CREATED", data);
    }

    /** Our extension: the reason a CREATE_CHALLENGE got no challenge (the SDK ignores unknown types). */
    public String error(String error, String description) {
        return message("ERROR", json.createObjectNode().put("error", error).put("errorDescription", description));
    }

    /**
     * A challenge event seen by this replica: claimed / approved / rejected become the socket's
     * {@code STATE_CHANGE}, once each; the access token of an approval is fetched from
     * challenge-service with the stored device code. Events of challenges no socket here created
     * are ignored. Never fails (a failure would stop the consumer).
     */
    public Uni<Void> onEvent(ChallengeEvent event) {
        if (event == null || event.challengeId() == null || event.type() == null) {
            return Uni.createFrom().voidItem();
        }
        Challenge challenge = challenges.get(event.challengeId());
        if (challenge == null || !challenge.tenantId().equals(event.tenantId())) {
            return Uni.createFrom().voidItem();
        }
        return switch (event.type()) {
            case ChallengeEvent.CLAIMED -> challenge.state().compareAndSet(UNCLAIMED, CLAIMED)
                    ? send(challenge, stateChange(challenge.challengeId(), CLAIMED, null))
                    : Uni.createFrom().voidItem();
            case ChallengeEvent.APPROVED -> advanceToEnd(challenge, APPROVED) ? approved(challenge) : Uni.createFrom().voidItem();
            case ChallengeEvent.REJECTED -> advanceToEnd(challenge, REJECTED)
                    ? send(challenge, stateChange(challenge.challengeId(), REJECTED, null))
                    : Uni.createFrom().voidItem();
            case ChallengeEvent.EXPIRED -> {
                // The SDK has no "expired" state; it refreshes on its own. Just forget it.
                forget(challenge);
                yield Uni.createFrom().voidItem();
            }
            default -> Uni.createFrom().voidItem();
        };
    }

    private boolean advanceToEnd(Challenge challenge, String state) {
        String current = challenge.state().get();
        while (UNCLAIMED.equals(current) || CLAIMED.equals(current)) {
            if (challenge.state().compareAndSet(current, state)) {
                forget(challenge);
                return true;
            }
            current = challenge.state().get();
        }
        return false;
    }

    private Uni<Void> approved(Challenge challenge) {
        return challengeService.verify(challenge.tenantId(), challenge.challengeId(), challenge.deviceCode())
                .map(verification -> verification.accessToken()
                        .orElseThrow(() -> new ChallengeServiceException(409, "not_verified", "approved but not verified yet")))
                .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(1)).atMost(VERIFY_TRIES - 1)
                .flatMap(token -> send(challenge, stateChange(challenge.challengeId(), APPROVED, token)))
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("No access token for approved challenge %s: %s", challenge.challengeId(), failure.getMessage());
                    return send(challenge, error("unavailable", "the challenge was approved but its access token could not be fetched"));
                });
    }

    private String stateChange(String challengeId, String state, String accessToken) {
        ObjectNode data = json.createObjectNode().put("challengeId", challengeId).put("state", state);
        if (accessToken != null) {
            data.put("accessToken", accessToken);
        }
        return message("STATE_CHANGE", data);
    }

    private String message(String type, ObjectNode data) {
        ObjectNode message = json.createObjectNode().put("type", type);
        message.set("data", data);
        return message.toString();
    }

    private Uni<Void> send(Challenge challenge, String text) {
        WebSocketConnection connection = challenge.socket().connection;
        if (!connection.isOpen()) {
            return Uni.createFrom().voidItem();
        }
        synchronized (challenge.socket()) {
            challenge.socket().lastActivity = clock.instant();
        }
        return connection.sendText(text).onFailure().recoverWithNull().replaceWithVoid();
    }

    private void forget(Challenge challenge) {
        challenges.remove(challenge.challengeId());
        synchronized (challenge.socket()) {
            challenge.socket().challengeIds.remove(challenge.challengeId());
        }
    }

    /**
     * Drops challenges past their expiry and closes sockets with no live challenge that have been
     * quiet for the idle timeout (docs/protocol/decisions.md#14-kiosk-websocket: 1000).
     */
    public void sweep() {
        Instant now = clock.instant();
        for (Challenge challenge : List.copyOf(challenges.values())) {
            if (!challenge.expiresAt().isAfter(now)) {
                forget(challenge);
            }
        }
        List<Socket> idle = new ArrayList<>();
        for (Socket socket : sockets.values()) {
            synchronized (socket) {
                if (socket.challengeIds.isEmpty() && !socket.lastActivity.plus(config.idleTimeout()).isAfter(now)) {
                    idle.add(socket);
                }
            }
        }
        for (Socket socket : idle) {
            LOG.debugf("Closing idle kiosk socket %s", socket.connection.id());
            socket.connection.close(IDLE).subscribe().with(ignored -> {
            }, failure -> {
            });
        }
    }

    /** Sockets and challenges this replica holds (health and tests). */
    public Map<String, Integer> counts() {
        return Map.of("sockets", sockets.size(), "challenges", challenges.size());
    }
}
