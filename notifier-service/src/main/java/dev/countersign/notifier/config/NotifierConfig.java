package dev.countersign.notifier.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The notifier's own settings ({@code countersign.notifier.*}); tenants' webhook URLs and secrets sit on the tenant. */
@ConfigMapping(prefix = "countersign.notifier")
public interface NotifierConfig {

    Webhook webhook();

    /** APNs with token (p8) auth; the channel is off unless team id, key id, topic and a key are set. */
    Apns apns();

    /** FCM HTTP v1; the channel is off unless a service account is set. */
    Fcm fcm();

    /** What APNs/FCM notifications show. */
    Push push();

    interface Push {

        /** The alert's title; with neither title nor body the push is silent (data only). */
        Optional<String> title();

        Optional<String> body();
    }

    /** Kiosk sockets ({@code /ws-v1-challenge}) and the kiosk page ({@code /kiosk}). */
    Kiosk kiosk();

    interface Kiosk {

        /**
         * What the kiosk page's QR code carries; {@code {challengeId}} is replaced by the challenge
         * id. The app that scans it takes the id out and claims the challenge (docs/protocol/wire.md#44-what-the-qr-code-carries).
         */
        @WithDefault("countersign://qr-code?challengeId={challengeId}")
        String qrPayload();

        /** A socket without a live challenge and without a message for this long is closed (1000). */
        @WithDefault("PT10M")
        Duration idleTimeout();

        /** How often sockets are checked for idleness and forgotten challenges are dropped. */
        @WithDefault("PT30S")
        Duration sweepInterval();

        /** CREATE_CHALLENGEs one socket may send at once (a token bucket of this size)… */
        @WithDefault("5")
        int createChallengeBurst();

        /** …refilled by one every interval (the browser SDK sends one every 9 minutes). */
        @WithDefault("PT20S")
        Duration createChallengeInterval();

        /** Challenges one socket may wait on at once; the oldest is forgotten beyond this. */
        @WithDefault("10")
        int maxLiveChallenges();

        /** Longest wait for challenge-service's answer on a socket's behalf. */
        @WithDefault("PT10S")
        Duration challengeServiceTimeout();

        /**
         * Sockets one client address (an IPv6 client's /64) may hold open on one replica; the next
         * handshake is refused with 429 until one closes. Kiosks behind one NAT share it.
         */
        @WithDefault("20")
        int maxSocketsPerAddress();
    }

    interface Webhook {

        /** The envelope's {@code source} (docs/protocol/wire.md#57-the-pushcreated-webhook has Authsignal's URL there). */
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

    interface Apns {

        /** The p8 signing key's PEM text, from the environment; or {@link #signingKeyPath()}. */
        Optional<String> signingKey();

        Optional<Path> signingKeyPath();

        /** The Apple developer team that owns the key (the token's {@code iss}). */
        Optional<String> teamId();

        /** The p8 key's id (the token's {@code kid}). */
        Optional<String> keyId();

        /** The app's bundle id, sent as {@code apns-topic}. */
        Optional<String> topic();

        /** {@code api.push.apple.com} when true, {@code api.sandbox.push.apple.com} (development builds) when false. */
        @WithDefault("true")
        boolean production();

        /** Another APNs host (a proxy or a mock server); overrides {@link #production()}. */
        Optional<String> host();

        @WithDefault("443")
        int port();

        /** PEM certificates to trust instead of the JDK's CAs, for a private or mock APNs server. */
        Optional<Path> trustedCertificatesPath();

        /** Longest wait for a connection, and for APNs' answer to one notification. */
        @WithDefault("PT10S")
        Duration timeout();
    }

    interface Fcm {

        /** The Firebase project; defaults to the service account's {@code project_id}. */
        Optional<String> projectId();

        /** The service-account JSON text, from the environment; or {@link #serviceAccountPath()}. */
        Optional<String> serviceAccount();

        Optional<Path> serviceAccountPath();

        /** Where {@code /v1/projects/<id>/messages:send} lives; tests point it at a local server. */
        @WithDefault("https://fcm.googleapis.com")
        URI baseUrl();

        /** The OAuth token endpoint; defaults to the service account's {@code token_uri}. */
        Optional<URI> tokenUri();

        @WithDefault("PT5S")
        Duration connectTimeout();

        /** Longest silence while waiting for an answer (token endpoint or FCM). */
        @WithDefault("PT10S")
        Duration readTimeout();
    }
}
