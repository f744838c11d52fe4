package dev.countersign.common.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * The configuration every service shares (docs/architecture.md#configuration, prefix {@code countersign}). Each
 * service adds its own keys in its own mapping under {@code countersign.<service>}.
 */
@ConfigMapping(prefix = "countersign")
public interface CountersignConfig {

    /** Tenants by id. */
    Map<String, Tenant> tenants();

    Tokens tokens();

    Services services();

    /** The service-to-service routes ({@code /internal/*}); see {@code InternalSecret}. */
    Internal internal();

    /** CIDRs whose {@code X-Forwarded-For} is believed (the edge, the notifier). */
    Optional<List<String>> trustedProxies();

    /**
     * Whether per-address limits skip a client on the loopback that connected directly (the local
     * run's tools on the same machine); never one named by {@code X-Forwarded-For}. Off unless set.
     */
    @WithDefault("false")
    boolean exemptLoopbackPeers();

    /**
     * Whether every response names the answering service in {@code X-Countersign-Service}: the
     * local run turns it on (its end-to-end tests prove routing with it); off elsewhere, so a
     * deployment does not tell the world its internal layout.
     */
    @WithDefault("false")
    boolean serviceNameHeader();

    interface Tenant {

        /** Hex SHA-256 of the Server API secret key. */
        @WithName("secret-sha256")
        String secretSha256();

        /** Browser origins allowed to call the Client API for this tenant. */
        Optional<List<String>> allowedOrigins();

        /** Track state per action code when not {@code CHALLENGE_REQUIRED} (docs/protocol/decisions.md#2-track-state). */
        Map<String, String> actionStates();

        /** Where the notifier POSTs the signed {@code push.created} webhook (docs/protocol/wire.md#57-the-pushcreated-webhook); none: no webhook. */
        Optional<String> webhookUrl();

        /** HMAC key of the webhook's {@code X-Signature-V2}; from the environment, never committed. */
        Optional<String> webhookSecret();

        /** What enrolment asks of {@code performAttestation}, per platform (docs/attestation.md). */
        Attestation attestation();
    }

    /** The tenant's attestation policy; every key is optional, and nothing set means {@code off}. */
    interface Attestation {

        Ios ios();

        Android android();
    }

    interface Ios {

        /** {@code off} (store only), {@code record} (verify, enrol anyway) or {@code enforce}. */
        @WithDefault("off")
        String mode();

        /** {@code <teamId>.<bundleId>}: its SHA-256 is the App Attest RP id hash. */
        Optional<String> appId();

        /** Whether the development environment (AAGUID {@code appattestdevelop}) meets the minimum. */
        @WithDefault("false")
        boolean allowDevelopment();
    }

    interface Android {

        /** {@code off} (store only), {@code record} (verify, enrol anyway) or {@code enforce}. */
        @WithDefault("off")
        String mode();

        /** The app's package name, as Play Integrity reports {@code requestPackageName}. */
        Optional<String> packageName();

        /** Play Integrity response decryption key: base64 AES-256 (from the environment, never committed). */
        Optional<String> decryptionKey();

        /** Play Integrity response verification key: base64 X.509 SubjectPublicKeyInfo (EC P-256). */
        Optional<String> verificationKey();

        /** How old (or how far ahead of our clock) the token's {@code timestampMillis} may be. */
        @WithDefault("PT5M")
        Duration maxTokenAge();
    }

    interface Tokens {

        @WithDefault("countersign")
        String issuer();

        @WithDefault("PT10M")
        Duration lifetime();

        /** PKCS#8 PEM of the ES256 signing key; challenge-service only. */
        Optional<String> signingKey();

        /** PEMs of the public keys tokens may be signed with (current and previous, for rotation). */
        Optional<List<String>> publicKeys();
    }

    interface Internal {

        /** Shared by every service: sent and required on {@code /internal/*}. From the environment, never committed. */
        Optional<String> secret();
    }

    interface Services {

        @WithDefault("http://127.0.0.1:8081")
        String credentialUrl();

        @WithDefault("http://127.0.0.1:8082")
        String challengeUrl();
    }
}
