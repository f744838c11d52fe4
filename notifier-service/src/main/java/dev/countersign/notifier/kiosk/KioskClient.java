package dev.countersign.notifier.kiosk;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Who opened a kiosk socket, as the handshake proved it: a known tenant (anonymous QR challenges)
 * or a track token (challenges bound to the tracked user and action). The notifier calls
 * challenge-service on the socket's behalf with this, exactly as a polling browser would.
 *
 * @param trackToken the verified track token from {@code x.authsignal.token.<token>}, if that was offered
 * @param forwardedFor the socket's {@code X-Forwarded-For} with the peer address appended, for challenge-service's
 *        client-address rule (the notifier is a trusted proxy there)
 * @param userAgent the socket's {@code User-Agent}, if any
 */
public record KioskClient(String tenantId, Optional<String> trackToken, String forwardedFor, Optional<String> userAgent) {

    /** The Authorization a browser would send to create a QR challenge: Bearer with a token, else tenant Basic. */
    public String createAuthorization() {
        return trackToken.map(token -> "Bearer " + token).orElseGet(() -> tenantBasic(tenantId));
    }

    /** Polling a QR challenge is always tenant Basic (docs/protocol/wire.md#43-qr-by-polling). */
    public static String tenantBasic(String tenantId) {
        return "Basic " + Base64.getEncoder().encodeToString((tenantId + ":").getBytes(StandardCharsets.UTF_8));
    }
}
