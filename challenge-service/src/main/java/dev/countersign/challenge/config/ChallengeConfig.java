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

    Push push();

    /** How long a challenge of each kind may be answered. */
    interface Ttl {

        @WithDefault("PT5M")
        Duration push();

        @WithDefault("PT10M")
        Duration qrCode();

        @WithDefault("PT2M")
        Duration inApp();
    }

    /** Push challenges (issue 4). */
    interface Push {

        /** Pending push challenges one user may have at a time; one more is 429 until the oldest ends. */
        @WithDefault("1")
        int maxPending();

        /** Wrong number-matching codes a challenge survives; the last one burns it (decisions §12). */
        @WithDefault("3")
        int maxWrongCodes();

        /**
         * How long a challenge stays readable after its deadline, so the browser's last polls still
         * see its outcome (the Redis TTL; expiry itself is checked against {@code expiresAt}).
         */
        @WithDefault("PT10M")
        Duration retention();

        /** How long the nonce of a signed challenge fetch (§7.2) may be used. */
        @WithDefault("PT2M")
        Duration fetchNonceTtl();
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
