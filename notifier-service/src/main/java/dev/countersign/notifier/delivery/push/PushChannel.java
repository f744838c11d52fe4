package dev.countersign.notifier.delivery.push;

import io.smallrye.mutiny.Uni;

/**
 * A push provider (APNs, FCM). The Uni never fails: every outcome, network errors included, is a
 * {@link ChannelResult}, so a caller only decides whether to retry, record or mark the credential.
 */
public interface PushChannel {

    /** {@code apns} or {@code fcm}: the {@code channel} of a delivery event. */
    String name();

    /** False when not configured; {@link #send} then answers {@code rejected("not configured")}. */
    boolean enabled();

    Uni<ChannelResult> send(String deviceToken, PushNotification notification);
}
