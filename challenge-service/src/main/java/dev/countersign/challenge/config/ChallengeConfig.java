package dev.countersign.challenge.config;

import java.time.Duration;

import dev.countersign.challenge.replica.KeyReplica;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** challenge-service's own settings (docs/architecture.md#configuration); everything else is in {@code CountersignConfig}. */
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

    /** Push-bombing limits on push challenge initiation ({@code InitiationBudgets}). */
    Limits limits();

    /** The challenge-event outbox ({@code ChallengeOutbox}). */
    Outbox outbox();

    /** QR-code challenges. */
    QrCode qrCode();

    /** In-app challenges. */
    InApp inApp();

    interface InApp {

        /**
         * In-app challenges one client address (an IPv6 /64) may create within {@link #ipWindow()}.
         * Generous: many phones may share one carrier-NAT address, and each verification makes one.
         */
        @WithDefault("600")
        int ipChallenges();

        @WithDefault("PT10M")
        Duration ipWindow();
    }

    /** The GeoIP database for the QR claim's {@code location} (docs/protocol/decisions.md#10-claim-binds-the-challenge). */
    GeoIp geoip();

    interface QrCode {

        /**
         * How long a QR challenge stays readable after its deadline, so a polling kiosk (or the
         * notifier) still sees its outcome and gets its access token.
         */
        @WithDefault("PT10M")
        Duration retention();

        /** Anonymous QR challenges one client address (an IPv6 /64) may create within {@link #ipWindow()}. */
        @WithDefault("60")
        int ipChallenges();

        @WithDefault("PT10M")
        Duration ipWindow();

        /**
         * QR challenges for tracked actions (a track token) one client address may create within
         * {@link #trackedIpWindow()}; generous, as a kiosk fleet may share one address.
         */
        @WithDefault("600")
        int trackedIpChallenges();

        @WithDefault("PT10M")
        Duration trackedIpWindow();

        /** QR challenges one user's track tokens may create within {@link #userWindow()}. */
        @WithDefault("30")
        int userChallenges();

        @WithDefault("PT10M")
        Duration userWindow();
    }

    interface GeoIp {

        /** A MaxMind {@code .mmdb} City database (operator-provided); none configured: no location. */
        java.util.Optional<String> database();
    }

    interface Outbox {

        /**
         * How long a request waits for Kafka's acknowledgement of its events before answering anyway;
         * zero (the default): it does not wait. The events are safe in the Redis outbox once the
         * transition's script ran, so waiting only made the answer later (the producer's batching
         * alone is 5 ms per round trip), not the events safer.
         */
        @WithDefault("PT0S")
        Duration ackWait();

        /** How long after a transition the repair looks for its events, should they still be pending. */
        @WithDefault("PT10S")
        Duration repairAfter();

        /** How long a repairer holds a claimed entry; a repairer that dies frees it after this. */
        @WithDefault("PT30S")
        Duration lease();

        /**
         * The least TTL of a challenge hash with unpublished events, so they outlive a Kafka outage
         * (a day: the retention of {@code challenge-events}).
         */
        @WithDefault("P1D")
        Duration retention();
    }

    /** How long a challenge of each kind may be answered. */
    interface Ttl {

        @WithDefault("PT5M")
        Duration push();

        @WithDefault("PT10M")
        Duration qrCode();

        @WithDefault("PT2M")
        Duration inApp();

        /** How long an attestation nonce ({@code POST /v1/client/challenge} with a track token) may be used. */
        @WithDefault("PT5M")
        Duration attestationNonce();
    }

    /** Push challenges. */
    interface Push {

        /**
         * Wrong typed number-matching codes a challenge takes; the last one burns it. A wrong one of
         * the offered choices burns it at once (docs/protocol/decisions.md#12-number-matching).
         */
        @WithDefault("3")
        int maxWrongCodes();

        /**
         * How long a challenge stays readable after its deadline, so the browser's last polls still
         * see its outcome (the Redis TTL; expiry itself is checked against {@code expiresAt}).
         */
        @WithDefault("PT10M")
        Duration retention();

        /** How long the nonce of a signed challenge fetch (docs/protocol/wire.md#72-additions-of-the-newer-sdks) may be used. */
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

        /**
         * How often the replica's epoch marker in Redis is checked: its absence (Redis flushed, or
         * restarted empty) starts a rebuild from the start of {@code credential-events}. Also the
         * longest a Redis that comes back empty goes unnoticed.
         */
        @WithDefault("PT5S")
        Duration checkInterval();

        /** The rebuild lease in Redis, renewed after each batch; a rebuilder that dies frees it after this. */
        @WithDefault("PT30S")
        Duration rebuildLease();

        /**
         * The first wait before the {@code credential-events} channel tries an event again that it
         * could not apply because Redis is away; it doubles up to {@link #applyMaxBackoff()}. The
         * channel retries for as long as the outage lasts, so nothing is skipped or committed early.
         */
        @WithDefault("PT0.2S")
        Duration applyBackoff();

        /** The longest wait between two tries of an event while Redis is away. */
        @WithDefault("PT5S")
        Duration applyMaxBackoff();
    }

    /**
     * Push-bombing limits: sliding-window budgets of push initiations per user and per client
     * address, and a back-off after consecutive rejections.
     */
    interface Limits {

        /** Push challenges one user may be sent within {@link #userWindow()}. */
        @WithDefault("10")
        int userPushes();

        @WithDefault("PT10M")
        Duration userWindow();

        /** Push challenges one client address (an IPv6 /64) may initiate within {@link #ipWindow()}. */
        @WithDefault("30")
        int ipPushes();

        @WithDefault("PT10M")
        Duration ipWindow();

        /** The wait after the first rejection; it doubles with each further consecutive rejection. */
        @WithDefault("PT30S")
        Duration backoffBase();

        /** The longest wait, however many rejections. */
        @WithDefault("PT15M")
        Duration backoffMax();

        /** How long a run of rejections is remembered after the last one (an approval ends it at once). */
        @WithDefault("PT1H")
        Duration backoffMemory();
    }
}
