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

            @Override
            public Attestation attestation() {
                return java.util.Optional::empty;
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

        assertThat(window.verify(key, device.sign("2940773.0"))).isPresent();
        assertThat(window.verify(key, device.sign("2940774.0"))).isPresent();
        assertThat(window.verify(key, device.sign("2940775.0"))).isPresent();
        assertThat(window.verify(key, device.sign("2940772.0"))).isEmpty();
        assertThat(window.verify(key, device.sign("2940776.0"))).isEmpty();
        assertThat(window.verify(key, device.sign("2940771.0"))).isEmpty();
    }

    @Test
    void proofNamesTheSignedWindowAndIsRememberedUntilNoReplicaCanAcceptIt() {
        RemoveWindow.Proof proof = at(MID_WINDOW, 1).verify(key, device.sign("2940773.0")).orElseThrow();

        assertThat(proof.window()).isEqualTo(2940773);
        // Accepted up to window 2940774 (W+1 of it), plus one window for clocks running behind.
        assertThat(proof.rememberUntil()).isEqualTo(Instant.ofEpochSecond(2940776L * 600));
    }

    @Test
    void proofIdentifiesTheSignatureAlsoInItsMalleatedTwinButNotAFreshOne() {
        RemoveWindow window = at(MID_WINDOW, 1);
        String signature = device.sign("2940774.0");
        String twin = TestDeviceKey.malleated(signature);

        RemoveWindow.Proof original = window.verify(key, signature).orElseThrow();
        RemoveWindow.Proof ofTwin = window.verify(key, twin).orElseThrow();
        RemoveWindow.Proof fresh = window.verify(key, device.sign("2940774.0")).orElseThrow();

        assertThat(twin).isNotEqualTo(signature);
        assertThat(ofTwin.signatureR()).isEqualTo(original.signatureR());
        assertThat(fresh.signatureR()).isNotEqualTo(original.signatureR());
    }

    @Test
    void refusesTheIntegerFormAndOtherKeysAndGarbage() {
        RemoveWindow window = at(MID_WINDOW, 1);

        assertThat(window.verify(key, device.sign("2940774"))).isEmpty();
        assertThat(window.verify(key, TestDeviceKey.generate().sign("2940774.0"))).isEmpty();
        assertThat(window.verify(key, "")).isEmpty();
        assertThat(window.verify(key, null)).isEmpty();
        assertThat(window.verify(key, "%%%")).isEmpty();
    }

    @Test
    void windowBoundaryFollowsTheClock() {
        // The last second of window 2940774: 2940775 is "next", 2940773 still "previous".
        RemoveWindow lastSecond = at(Instant.ofEpochSecond(2940775L * 600 - 1), 1);
        assertThat(lastSecond.verify(key, device.sign("2940775.0"))).isPresent();
        assertThat(lastSecond.verify(key, device.sign("2940776.0"))).isEmpty();

        RemoveWindow exactTolerance = at(MID_WINDOW, 0);
        assertThat(exactTolerance.verify(key, device.sign("2940774.0"))).isPresent();
        assertThat(exactTolerance.verify(key, device.sign("2940773.0"))).isEmpty();
    }
}
