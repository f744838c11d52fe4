package dev.countersign.challenge.qr;

import java.util.Map;

/** A kiosk's new QR challenge (docs/protocol/wire.md#43-qr-by-polling): the action (required without a track token) and its context. */
public record QrChallengeRequest(String action, Map<String, Object> custom) {

    static final QrChallengeRequest EMPTY = new QrChallengeRequest(null, null);
}
