package dev.countersign.credential.service;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;

import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.wire.LenientBase64;
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

    /**
     * A verified remove signature: the window it is over, the signature's identity, and until when
     * it must be remembered as used.
     *
     * @param signatureR the ECDSA {@code r} (hex): fixed by the signer's random nonce, so the same for
     *        every re-encoding of one signature and for its malleated twin {@code (r, n-s)}, and
     *        different for every fresh signature
     * @param rememberUntil the end of the last window in which any replica could still accept it
     */
    public record Proof(long window, String signatureR, Instant rememberUntil) {
    }

    /** The proof when {@code signature} is the key's signature over a window within the tolerance of now. */
    public Optional<Proof> verify(DevicePublicKey key, String signature) {
        if (signature == null || signature.isBlank()) {
            return Optional.empty();
        }
        long current = Math.floorDiv(clock.instant().getEpochSecond(), WINDOW_SECONDS);
        for (long window = current - tolerance; window <= current + tolerance; window++) {
            if (key.verifies(message(window), signature)) {
                // One window beyond the last accepting one, for replicas whose clocks run behind.
                Instant until = Instant.ofEpochSecond((window + tolerance + 2) * WINDOW_SECONDS);
                return Optional.of(new Proof(window, signatureR(signature), until));
            }
        }
        return Optional.empty();
    }

    /** The signed text for a window: Java's Double.toString matches Kotlin's and Swift's until 10^7 (year 2160). */
    public static String message(long window) {
        return Double.toString((double) window);
    }

    /** The {@code r} of a signature that has just verified (so it decodes as DER SEQUENCE {r, s}). */
    private static String signatureR(String signature) {
        byte[] der = LenientBase64.decode(signature).orElseThrow();
        return ASN1Integer.getInstance(ASN1Sequence.getInstance(der).getObjectAt(0)).getPositiveValue().toString(16);
    }
}
