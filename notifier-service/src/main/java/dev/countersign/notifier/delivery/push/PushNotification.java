package dev.countersign.notifier.delivery.push;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a phone is told about a push challenge: enough to fetch it, nothing to answer it with. No
 * token, no code and no user data travel through Apple or Google; the app fetches the pending
 * challenge over its own authenticated channel.
 *
 * @param title shown text, or null (with {@code body} null too) for a silent data-only push
 * @param expiresAt the challenge's expiry: the provider drops the push after it; null = provider default
 */
public record PushNotification(String tenantId, String challengeId, String title, String body, Instant expiresAt) {

    public static PushNotification dataOnly(String tenantId, String challengeId, Instant expiresAt) {
        return new PushNotification(tenantId, challengeId, null, null, expiresAt);
    }

    public boolean visible() {
        return title != null || body != null;
    }

    /** The app-facing data keys, the same for APNs and FCM. */
    public Map<String, String> data() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("challengeId", challengeId);
        data.put("tenantId", tenantId);
        return data;
    }
}
