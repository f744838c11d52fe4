package dev.countersign.credential.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.credential.TestDeviceKey;
import dev.countersign.credential.config.CredentialConfig;

class RemoveWindowTest {

    /** 2025-11-30T01:05:00Z: window 2940774 (docs/protocol/wire.md#24-what-is-signed's example), 300 s into it. */
    private static final Instant MID_WINDOW = Instant.ofEpochSecond(2940774L * 600 + 300);

    private final TestDeviceKey device = TestDeviceKey.generate();
    private final DevicePublicKey key = DevicePublicKey.fromSpkiBase64(device.publicKey()).orElseThrow();

    private static RemoveWindow at(Instant now, int tolerance) {
        return new RemoveWindow(Clock.fixed(now, ZoneOffset.UTC), new CredentialConfig() {
            @Override
            public int removeWindowTolerance() {
                return tolerance;
            }

            @Override
            public java.util.Optional<java.time.Duration> lifetime() {
                return java.util.Optional.empty();
            }

            @Override
            public java.time.Duration signingMessageTtl() {
                return java.time.Duration.ofMinutes(2);
            }

            @Override
            public Outbox outbox() {
                return () -> 100;
            }
        });
    }

    @Test
    void messageIsTheWindowWrittenAsADouble() {
        assertThat(RemoveWindow.message(2940774)).isEqualTo("2940774.0");
    }

    @Test
    void acceptsTheCurrentAndNeighbouringWindowsOnly() {
        RemoveWindow window = at(MID_WINDOW, 1);

        assertThat(window.accepts(key, device.sign("2940773.0"))).isTrue();
        assertThat(window.accepts(key, device.sign("2940774.0"))).isTrue();
        assertThat(window.accepts(key, device.sign("2940775.0"))).isTrue();
        assertThat(window.accepts(key, device.sign("2940772.0"))).isFalse();
        assertThat(window.accepts(key, device.sign("2940776.0"))).isFalse();
        assertThat(window.accepts(key, device.sign("2940771.0"))).isFalse();
    }

    @Test
    void refusesTheIntegerFormAndOtherKeysAndGarbage() {
        RemoveWindow window = at(MID_WINDOW, 1);

        assertThat(window.accepts(key, device.sign("2940774"))).isFalse();
        assertThat(window.accepts(key, TestDeviceKey.generate().sign("2940774.0"))).isFalse();
        assertThat(window.accepts(key, "")).isFalse();
        assertThat(window.accepts(key, null)).isFalse();
        assertThat(window.accepts(key, "%%%")).isFalse();
    }

    @Test
    void windowBoundaryFollowsTheClock() {
        // The last second of window 2940774: 2940775 is "next", 2940773 still "previous".
        RemoveWindow lastSecond = at(Instant.ofEpochSecond(2940775L * 600 - 1), 1);
        assertThat(lastSecond.accepts(key, device.sign("2940775.0"))).isTrue();
        assertThat(lastSecond.accepts(key, device.sign("2940776.0"))).isFalse();

        RemoveWindow exactTolerance = at(MID_WINDOW, 0);
        assertThat(exactTolerance.accepts(key, device.sign("2940774.0"))).isTrue();
        assertThat(exactTolerance.accepts(key, device.sign("2940773.0"))).isFalse();
    }
}
