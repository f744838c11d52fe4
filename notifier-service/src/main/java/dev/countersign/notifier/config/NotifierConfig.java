package dev.countersign.notifier.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The notifier's own settings ({@code countersign.notifier.*}); tenants' webhook URLs and secrets sit on the tenant. */
@ConfigMapping(prefix = "countersign.notifier")
public interface NotifierConfig {

    Webhook webhook();

    interface Webhook {

        /** The envelope's {@code source} (wire §5.7 has Authsignal's URL there). */
        @WithDefault("https://countersign.dev")
        String source();

        @WithDefault("PT5S")
        Duration connectTimeout();

        /** Longest silence while waiting for the receiver's answer. */
        @WithDefault("PT10S")
        Duration readTimeout();

        /** Tries in all, the first included; after the last the event goes to the dead-letter topic. */
        @WithDefault("5")
        int attempts();

        /** Back-off before try n+1 is uniform in [0, min(backoff-max, backoff-base × 2^(n-1))] (full jitter). */
        @WithDefault("PT1S")
        Duration backoffBase();

        @WithDefault("PT30S")
        Duration backoffMax();

        /** Event ids of recent deliveries one replica remembers, to drop redeliveries. */
        @WithDefault("10000")
        int recentEvents();
    }
}
