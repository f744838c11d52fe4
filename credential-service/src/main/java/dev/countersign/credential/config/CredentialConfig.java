package dev.countersign.credential.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** credential-service's own settings (DESIGN's Contracts: one mapping per service). */
@ConfigMapping(prefix = "countersign.credential")
public interface CredentialConfig {

    /**
     * How many 10-minute windows either side of the current one a remove signature may be for
     * (decisions §11: W-1, W, W+1), for devices whose clocks are a little off.
     */
    @WithDefault("1")
    int removeWindowTolerance();

    Outbox outbox();

    interface Outbox {

        /** Events published per relayer run and transaction. */
        @WithDefault("100")
        int batchSize();
    }
}
