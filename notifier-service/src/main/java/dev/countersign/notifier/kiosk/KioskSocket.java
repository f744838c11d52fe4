package dev.countersign.notifier.kiosk;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.notifier.kiosk.client.ChallengeServiceClient;
import dev.countersign.notifier.kiosk.client.ChallengeServiceException;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

/**
 * The kiosk / desktop WebSocket, beside {@code /v1} where the browser SDK derives it from the base
 * URL (docs/protocol/wire.md#42-qr-over-the-kiosk-websocket). {@link KioskHandshake} has authenticated it; each {@code CREATE_CHALLENGE}
 * becomes one QR challenge at challenge-service and exactly one {@code CHALLENGE_CREATED}, and the
 * challenge's later states arrive through {@link KioskSessions} from {@code challenge-events}.
 */
@WebSocket(path = KioskSocket.PATH)
public class KioskSocket {

    public static final String PATH = "/ws-v1-challenge";

    /** Policy violation: a malformed message ends the socket (docs/protocol/decisions.md#14-kiosk-websocket). */
    static final CloseReason MALFORMED = new CloseReason(1008, "malformed message");

    /** Message too big: over {@code quarkus.websockets-next.server.max-message-size}. */
    static final CloseReason TOO_BIG = new CloseReason(1009, "message too big");

    private static final Logger LOG = Logger.getLogger(KioskSocket.class);
    private static final int MAX_ACTION_LENGTH = 64;

    private final KioskSessions sessions;
    private final ChallengeServiceClient challengeService;
    private final ObjectMapper json;
    private final SocketsPerAddress slots;

    public KioskSocket(KioskSessions sessions, ChallengeServiceClient challengeService, ObjectMapper json,
            SocketsPerAddress slots) {
        this.sessions = sessions;
        this.challengeService = challengeService;
        this.json = json;
        this.slots = slots;
    }

    @OnOpen
    Uni<Void> opened(WebSocketConnection connection) {
        SocketsPerAddress.Slot slot = connection.userData().get(KioskUpgradeCheck.SLOT);
        if (slot != null) {
            slots.opened(slot);
        }
        KioskClient client = connection.userData().get(KioskUpgradeCheck.CLIENT);
        if (client == null) {
            // Only reachable if the upgrade check did not run: refuse rather than serve anonymously.
            return connection.close(new CloseReason(1008, "unauthenticated"));
        }
        sessions.opened(connection, client);
        LOG.debugf("Kiosk socket %s opened for tenant %s", connection.id(), client.tenantId());
        return Uni.createFrom().voidItem();
    }

    @OnTextMessage
    Uni<Void> message(WebSocketConnection connection, String text) {
        JsonNode message;
        try {
            message = json.readTree(text);
        } catch (Exception e) {
            return connection.close(MALFORMED);
        }
        JsonNode data = message == null ? null : message.get("data");
        if (message == null || !message.isObject() || !"CREATE_CHALLENGE".equals(message.path("type").asText(null))
                || (data != null && !data.isObject() && !data.isNull())) {
            return connection.close(MALFORMED);
        }
        JsonNode challengeType = data == null ? null : data.get("challengeType");
        JsonNode action = data == null ? null : data.get("actionCode");
        JsonNode custom = data == null ? null : data.get("custom");
        if ((challengeType != null && !"QR_CODE".equals(challengeType.asText(null)))
                || (action != null && !action.isNull() && (!action.isTextual() || action.asText().length() > MAX_ACTION_LENGTH))
                || (custom != null && !custom.isNull() && !custom.isObject())) {
            return connection.close(MALFORMED);
        }
        if (!sessions.tryCreate(connection)) {
            return connection.sendText(sessions.error("too_many_requests",
                    "Too many CREATE_CHALLENGE messages on this socket; wait before asking again"));
        }
        KioskClient client = sessions.client(connection);
        if (client == null) {
            return Uni.createFrom().voidItem();
        }
        String actionCode = action == null || action.isNull() ? null : action.asText();
        return challengeService.create(client, actionCode, custom == null || custom.isNull() ? null : custom)
                .flatMap(created -> sessions.register(connection, created)
                        ? connection.sendText(sessions.challengeCreated(created))
                        : Uni.createFrom().voidItem())
                .onFailure().recoverWithUni(failure -> {
                    ChallengeServiceException refusal = failure instanceof ChallengeServiceException e ? e
                            : new ChallengeServiceException(0, "unavailable", String.valueOf(failure.getMessage()));
                    LOG.debugf("CREATE_CHALLENGE on %s refused: %s %s", connection.id(), refusal.error(), refusal.getMessage());
                    return connection.isOpen()
                            ? connection.sendText(sessions.error(refusal.error(), refusal.getMessage()))
                            : Uni.createFrom().voidItem();
                });
    }

    @OnBinaryMessage
    Uni<Void> binary(WebSocketConnection connection, Buffer ignored) {
        return connection.close(MALFORMED);
    }

    /**
     * Vert.x drops a message over the size limit and reports it here; the client hears 1009 and the
     * log stays quiet, since it is the client's mistake.
     */
    @OnError
    Uni<Void> tooBig(WebSocketConnection connection, IllegalStateException failure) {
        if (String.valueOf(failure.getMessage()).contains("max message size")) {
            LOG.debugf("Kiosk socket %s sent a message over the limit", connection.id());
            return connection.isOpen() ? connection.close(TOO_BIG) : Uni.createFrom().voidItem();
        }
        LOG.errorf(failure, "Kiosk socket %s failed", connection.id());
        return connection.isOpen() ? connection.close(new CloseReason(1011, "server error")) : Uni.createFrom().voidItem();
    }

    /** A frame over the frame limit: Netty has already sent 1009 and closed the connection. */
    @OnError
    void frameTooBig(WebSocketConnection connection, CorruptedWebSocketFrameException failure) {
        LOG.debugf("Kiosk socket %s sent a bad frame: %s", connection.id(), failure.getMessage());
    }

    @OnClose
    void closed(WebSocketConnection connection) {
        sessions.closed(connection);
        SocketsPerAddress.Slot slot = connection.userData().get(KioskUpgradeCheck.SLOT);
        if (slot != null) {
            slots.release(slot);
        }
    }
}
