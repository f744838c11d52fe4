package dev.countersign.notifier.websocket;

import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import org.jboss.logging.Logger;

/**
 * The kiosk / desktop WebSocket, beside {@code /v1} where the browser SDK derives it from the base
 * URL. It accepts the {@code authsignal-ws} subprotocol; authentication by subprotocol and the
 * challenge messages arrive with QR-code verification.
 */
@WebSocket(path = "/ws-v1-challenge")
public class KioskSocket {

    private static final Logger LOG = Logger.getLogger(KioskSocket.class);

    @OnOpen
    void opened(WebSocketConnection connection) {
        LOG.debugf("Kiosk socket %s opened", connection.id());
    }
}
