package dev.countersign.notifier.metrics;

import dev.countersign.common.event.DeliveryStatus;
import dev.countersign.notifier.kiosk.KioskSessions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;

/**
 * notifier-service's domain metrics (docs/observability.md). Label values come from small sets the
 * code fixes (channel, result), never a tenant, user, challenge or device.
 */
@Startup
@ApplicationScoped
public class NotifierMetrics {

    /** How a delivery ends, and how one webhook try ends. */
    private static final List<DeliveryStatus> FINAL = List.of(DeliveryStatus.ACCEPTED, DeliveryStatus.UNREGISTERED,
            DeliveryStatus.REJECTED, DeliveryStatus.FAILED);
    private static final List<DeliveryStatus> ATTEMPT = List.of(DeliveryStatus.ACCEPTED, DeliveryStatus.REJECTED,
            DeliveryStatus.FAILED);

    private final MeterRegistry meters;

    public NotifierMetrics(MeterRegistry meters, KioskSessions kiosk) {
        this.meters = meters;
        Gauge.builder("countersign.kiosk.sockets.open", kiosk, sessions -> sessions.counts().get("sockets"))
                .description("Kiosk WebSockets open on this replica").register(meters);
        // Every series at zero from the start: dashboards and alerts find it before its first event.
        for (String channel : List.of("webhook", "apns", "fcm")) {
            for (DeliveryStatus result : FINAL) {
                deliveries(channel, result);
            }
            deadLetters(channel);
        }
        for (DeliveryStatus result : ATTEMPT) {
            attempts(result);
        }
    }

    private Counter deliveries(String channel, DeliveryStatus result) {
        return Counter.builder("countersign.push.deliveries").description("Deliveries, by how they ended")
                .tag("channel", channel).tag("result", result.name().toLowerCase(Locale.ROOT)).register(meters);
    }

    private Counter attempts(DeliveryStatus result) {
        return Counter.builder("countersign.webhook.attempts").description("Webhook tries, retries included")
                .tag("result", result.name().toLowerCase(Locale.ROOT)).register(meters);
    }

    private Counter deadLetters(String channel) {
        return Counter.builder("countersign.dead.letters").description("Deliveries dead-lettered")
                .tag("channel", channel).register(meters);
    }

    /**
     * A delivery ended ({@code channel}: webhook, apns or fcm): {@code result} accepted,
     * unregistered, or rejected / failed on its last try.
     */
    public void delivered(String channel, DeliveryStatus result) {
        deliveries(channel, result).increment();
    }

    /** One try of a webhook delivery, with its outcome. */
    public void webhookAttempt(DeliveryStatus result) {
        attempts(result).increment();
    }

    /** A delivery given up and handed to the dead-letter topic. */
    public void deadLettered(String channel) {
        deadLetters(channel).increment();
    }
}
