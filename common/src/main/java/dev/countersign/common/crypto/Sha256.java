package dev.countersign.common.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * SHA-256 and the two ways the system writes a digest: lowercase hex (tenant secrets, push-token
 * names in delivery events) and unpadded base64url (key fingerprints, token key ids, QR device
 * codes). Text is hashed as its UTF-8 bytes.
 */
public final class Sha256 {

    private Sha256() {
    }

    public static byte[] digest(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256.
            throw new IllegalStateException(e);
        }
    }

    public static byte[] digest(String text) {
        return digest(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Lowercase hex of the digest of the UTF-8 text (64 characters). */
    public static String hex(String text) {
        return HexFormat.of().formatHex(digest(text));
    }

    /** Unpadded base64url of the digest (43 characters). */
    public static String base64Url(byte[] data) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest(data));
    }

    /** Unpadded base64url of the digest of the UTF-8 text (43 characters). */
    public static String base64Url(String text) {
        return base64Url(text.getBytes(StandardCharsets.UTF_8));
    }
}
