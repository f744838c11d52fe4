package dev.countersign.common.token;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.countersign.common.config.CountersignConfig;
import dev.countersign.common.crypto.EcdsaP256;
import dev.countersign.common.crypto.Sha256;
import dev.countersign.common.error.Require;

/**
 * The attestation nonce (docs/protocol/wire.md#34-generic-challenge-and-attestation-nonce, docs/architecture.md#service-to-service-calls): challenge-service issues it for a track token,
 * credential-service checks it on add and records its id (single use there).
 * <p>
 * Not a JWT: Android hands the nonce to Play Integrity, which takes only URL-safe base64 of at most
 * 500 bytes, and a JWT has dots and is longer. So the nonce is
 * {@code base64url-no-padding(body ‖ DER signature)} with a 57-byte body: version {@code 2}, the
 * expiry (epoch seconds, 8 bytes big-endian), the id (UUID, 16 bytes), and
 * {@code SHA-256(UTF-8(tenantId + "\n" + idempotencyKey))} (32 bytes), which binds it to the track
 * token's action. The signature is ES256 (SHA256withECDSA, BouncyCastle) with the token signing key
 * over {@link #CONTEXT} followed by the body; verifiers try the configured token public keys
 * (rotation) — about 170 characters.
 * <p>
 * The key is shared with the tokens, so the signed bytes are separated by context: a JWS signs
 * {@code base64url(header) "." ...}, which starts with {@code "ey"}, and the nonce signs bytes
 * starting with the context string, so neither signature ever verifies as the other. Version
 * {@code 1} signed the bare body and is no longer accepted.
 */
@Singleton
public class AttestationNonces {

    private static final byte VERSION = 2;
    /** Prefix of the signed bytes, so a nonce signature is never a token's (and vice versa). */
    static final byte[] CONTEXT = "countersign-attestation-nonce-v2\n".getBytes(StandardCharsets.US_ASCII);
    private static final int BODY_LENGTH = 1 + 8 + 16 + 32;

    private final Optional<PrivateKey> signingKey;
    private final List<PublicKey> publicKeys;
    private final Clock clock;

    @Inject
    public AttestationNonces(CountersignConfig config, TokenIssuer issuer, Clock clock) {
        this(config.tokens().signingKey().map(TokenKeys::privateKey), keys(config, issuer), clock);
    }

    public AttestationNonces(Optional<PrivateKey> signingKey, List<PublicKey> publicKeys, Clock clock) {
        this.signingKey = signingKey;
        this.publicKeys = List.copyOf(publicKeys);
        this.clock = clock;
    }

    private static List<PublicKey> keys(CountersignConfig config, TokenIssuer issuer) {
        List<PublicKey> keys = new ArrayList<>();
        config.tokens().publicKeys().orElse(List.of()).stream().map(TokenKeys::publicKey).forEach(keys::add);
        issuer.publicKey().ifPresent(keys::add);
        return keys;
    }

    /** A nonce for the track token's action (tenant + idempotency key), valid for {@code lifetime}. */
    public Issued issue(String tenantId, String idempotencyKey, Duration lifetime) {
        UUID id = UUID.randomUUID();
        Instant expiresAt = Instant.ofEpochSecond(clock.instant().getEpochSecond()).plus(lifetime);
        return new Issued(encode(body(id, expiresAt, binding(tenantId, idempotencyKey))), id.toString(), expiresAt);
    }

    /** Signs an exact body (tests use it for expired nonces). */
    public String encode(byte[] body) {
        PrivateKey key = signingKey.orElseThrow(() -> new IllegalStateException(
                "countersign.tokens.signing-key is not configured in this service"));
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA", EcdsaP256.PROVIDER);
            signer.initSign(key);
            signer.update(signedBytes(body));
            byte[] signature = signer.sign();
            byte[] nonce = Arrays.copyOf(body, body.length + signature.length);
            System.arraycopy(signature, 0, nonce, body.length, signature.length);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot sign the nonce", e);
        }
    }

    public static byte[] body(UUID id, Instant expiresAt, byte[] binding) {
        return ByteBuffer.allocate(BODY_LENGTH).put(VERSION).putLong(expiresAt.getEpochSecond())
                .putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).put(binding).array();
    }

    private static byte[] signedBytes(byte[] body) {
        return ByteBuffer.allocate(CONTEXT.length + body.length).put(CONTEXT).put(body).array();
    }

    public static byte[] binding(String tenantId, String idempotencyKey) {
        return Sha256.digest(tenantId + "\n" + idempotencyKey);
    }

    /**
     * The nonce's id and expiry when it is ours (signature), unexpired, and issued for this
     * tenant's action under {@code idempotencyKey}; otherwise 400 {@code invalid_request}. Single
     * use is the caller's part: record the id until {@code expiresAt}.
     */
    public Verified verify(String nonce, String tenantId, String idempotencyKey) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(nonce == null ? "" : nonce);
        } catch (IllegalArgumentException e) {
            throw Require.invalid("The attestation nonce is malformed");
        }
        if (bytes.length <= BODY_LENGTH || bytes[0] != VERSION) {
            throw Require.invalid("The attestation nonce is malformed");
        }
        byte[] body = Arrays.copyOf(bytes, BODY_LENGTH);
        byte[] signature = Arrays.copyOfRange(bytes, BODY_LENGTH, bytes.length);
        byte[] signed = signedBytes(body);
        if (publicKeys.stream().noneMatch(key -> EcdsaP256.verify(key, signed, signature))) {
            throw Require.invalid("The attestation nonce is not valid");
        }
        ByteBuffer buffer = ByteBuffer.wrap(body, 1, BODY_LENGTH - 1);
        Instant expiresAt = Instant.ofEpochSecond(buffer.getLong());
        UUID id = new UUID(buffer.getLong(), buffer.getLong());
        byte[] bound = new byte[32];
        buffer.get(bound);
        if (!MessageDigest.isEqual(bound, binding(tenantId, idempotencyKey))) {
            throw Require.invalid("The attestation nonce was issued for another action");
        }
        if (!Instant.ofEpochMilli(clock.millis()).isBefore(expiresAt)) {
            throw Require.invalid("The attestation nonce has expired");
        }
        return new Verified(id.toString(), expiresAt);
    }

    /** A fresh nonce, its id (also the {@code challengeId} of the response) and its expiry. */
    public record Issued(String nonce, String id, Instant expiresAt) {
    }

    /** A verified nonce: its id (record it for single use) and until when it could be used. */
    public record Verified(String id, Instant expiresAt) {
    }
}
