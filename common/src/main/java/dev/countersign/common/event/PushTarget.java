package dev.countersign.common.event;

import dev.countersign.common.crypto.Sha256;

/**
 * Where the notifier reaches one target device of a push challenge ({@code push.requested}).
 *
 * @param platform {@code ios} (APNs) or {@code android} (FCM), as the device enrolled
 * @param pushToken the APNs/FCM device token: an address, not a bearer secret, but kept out of
 *        log lines, delivery events and dead-letter reasons all the same
 */
public record PushTarget(String credentialId, String platform, String pushToken) {

    public static final String IOS = "ios";
    public static final String ANDROID = "android";

    /**
     * How delivery events name a push token without carrying it: hex SHA-256 of its UTF-8 bytes.
     * The notifier writes it, credential-service compares it before clearing a dead token.
     */
    public static String tokenSha256(String pushToken) {
        return Sha256.hex(pushToken);
    }

    @Override
    public String toString() {
        return "PushTarget[credentialId=" + credentialId + ", platform=" + platform + "]";
    }
}
