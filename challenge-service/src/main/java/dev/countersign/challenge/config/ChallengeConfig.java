package dev.countersign.challenge.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** challenge-service's own settings (DESIGN's Contracts); everything else is in {@code CountersignConfig}. */
@ConfigMapping(prefix = "countersign.challenge")
public interface ChallengeConfig {

    Ttl ttl();

    /**
     * How long a tracked action stays in Redis after track. It must outlive every token issued for
     * it (10 minutes by default) and any challenge on it, so that validate still finds it; a day
     * also lets a relying party look an action up after the fact.
     */
    @WithDefault("P1D")
    Duration actionTtl();

    KeyReplica keyReplica();

    /** How long a challenge of each kind may be answered. */
    interface Ttl {

        @WithDefault("PT5M")
        Duration push();

        @WithDefault("PT10M")
        Duration qrCode();

        @WithDefault("PT2M")
        Duration inApp();
    }

    interface KeyReplica {

        /**
         * Ask credential-service when a public key is not in the replica at all (a key added a moment
         * ago whose event has not arrived yet). Off: the replica knows only what the events said.
         */
        @WithDefault("true")
        boolean readThrough();
    }
}
