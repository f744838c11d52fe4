package dev.countersign.credential.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** credential-service's own settings (one mapping per service: docs/architecture.md#configuration). */
@ConfigMapping(prefix = "countersign.credential")
public interface CredentialConfig {

    /**
     * How many 10-minute windows either side of the current one a remove signature may be for
     * (docs/protocol/decisions.md#11-remove-window: W-1, W, W+1), for devices whose clocks are a little off.
     */
    @WithDefault("1")
    int removeWindowTolerance();

    /**
     * How long a credential answers challenges after enrolment or a renewal ({@code PATCH …/push}
     * with {@code resetExpiry}), e.g. {@code P90D}. Absent (the default): credentials never expire,
     * as with the SDKs before expiry existed; an app opting in must be able to renew.
     */
    Optional<Duration> lifetime();

    /** How long the message from {@code POST …/push/sign} may be used for {@code PATCH …/push}. */
    @WithDefault("PT2M")
    Duration signingMessageTtl();

    Outbox outbox();

    Attestation attestation();

    interface Attestation {

        /**
         * Roots App Attest chains must lead to: certificates as base64 DER or PEM. Absent (the
         * default): Apple's App Attestation Root CA, shipped with the service (docs/attestation.md).
         */
        Optional<List<String>> appAttestRoots();
    }

    interface Outbox {

        /** Events published per relayer run and transaction. */
        @WithDefault("100")
        int batchSize();
    }
}
