package dev.countersign.credential.service;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.credential.config.CredentialConfig;

/**
 * The proof a device gives to remove its credential (docs/protocol/wire.md#24-what-is-signed): its signature over the current
 * 10-minute window number, written as the SDKs write it: {@code floor(epochSeconds / 600)} as a
 * Kotlin/Swift double, e.g. {@code "2940774.0"}. The bare integer form is refused (docs/protocol/decisions.md#11-remove-window).
 */
@ApplicationScoped
public class RemoveWindow {

    static final long WINDOW_SECONDS = 600;

    private final Clock clock;
    private final int tolerance;

    public RemoveWindow(Clock clock, CredentialConfig config) {
        this.clock = clock;
        this.tolerance = config.removeWindowTolerance();
    }

    /** True when {@code signature} is the key's signature over a window within the tolerance of now. */
    public boolean accepts(DevicePublicKey key, String signature) {
        if (signature == null || signature.isBlank()) {
            return false;
        }
        long current = Math.floorDiv(clock.instant().getEpochSecond(), WINDOW_SECONDS);
        for (long window = current - tolerance; window <= current + tolerance; window++) {
            if (key.verifies(message(window), signature)) {
                return true;
            }
        }
        return false;
    }

    /** The signed text for a window: Java's Double.toString matches Kotlin's and Swift's until 10^7 (year 2160). */
    public static String message(long window) {
        return Double.toString((double) window);
    }
}
