package dev.countersign.common.crypto;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Optional;

import dev.countersign.common.crypto.EcdsaP256.InvalidPublicKeyException;
import dev.countersign.common.wire.LenientBase64;

/**
 * A device's P-256 public key in its one canonical form: SPKI DER, written as standard padded
 * base64 (docs/protocol/wire.md#22-public-key-encoding). Whatever encoding a client used, lookups and storage use {@link #spkiBase64()}.
 */
public record DevicePublicKey(PublicKey key, String spkiBase64) {

    /** From a body field: base64 of the SPKI DER (either alphabet, padding optional). */
    public static Optional<DevicePublicKey> fromSpkiBase64(String text) {
        return LenientBase64.decode(text).flatMap(DevicePublicKey::fromSpki);
    }

    /**
     * From the {@code ?publicKey=} query value: base64 (Android: standard, padded; iOS: URL-safe,
     * unpadded) of the SPKI base64 text (docs/protocol/wire.md#16-the-publickey-query-parameter).
     */
    public static Optional<DevicePublicKey> fromQueryParameter(String text) {
        return LenientBase64.decode(text)
                .map(inner -> new String(inner, StandardCharsets.US_ASCII))
                .flatMap(DevicePublicKey::fromSpkiBase64);
    }

    public static Optional<DevicePublicKey> fromSpki(byte[] spki) {
        try {
            PublicKey key = EcdsaP256.parsePublicKey(spki);
            return Optional.of(new DevicePublicKey(key, Base64.getEncoder().encodeToString(spki)));
        } catch (InvalidPublicKeyException e) {
            return Optional.empty();
        }
    }

    /** Two keys are the same key when their canonical encodings are. */
    @Override
    public boolean equals(Object other) {
        return other instanceof DevicePublicKey that && spkiBase64.equals(that.spkiBase64);
    }

    @Override
    public int hashCode() {
        return spkiBase64.hashCode();
    }

    /** The SPKI DER bytes (a fresh copy). */
    public byte[] spki() {
        return Base64.getDecoder().decode(spkiBase64);
    }

    /** True when {@code signatureBase64} is this key's signature of the UTF-8 {@code message}. */
    public boolean verifies(String message, String signatureBase64) {
        return LenientBase64.decode(signatureBase64)
                .map(der -> EcdsaP256.verify(key, message.getBytes(StandardCharsets.UTF_8), der))
                .orElse(false);
    }

    /** A short stable id for the key (base64url SHA-256 of the SPKI), for index keys and logs. */
    public String fingerprint() {
        return Sha256.base64Url(spki());
    }
}
