package dev.countersign.common.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Device keys and signatures of the wire protocol (docs/protocol/wire.md#2-keys-and-signatures): P-256 public keys as SPKI DER, ECDSA
 * with SHA-256 over the UTF-8 message, signatures in ASN.1 DER. BouncyCastle is named explicitly
 * on every call: appended as a fallback provider it would never be chosen over the far slower JDK one.
 */
public final class EcdsaP256 {

    /** The provider instance every ECDSA operation uses (not registered globally). */
    public static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();

    /** SPKI DER of every P-256 key starts with these 26 bytes (algorithm id-ecPublicKey, curve prime256v1). */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("3059301306072a8648ce3d020106082a8648ce3d030107034200");
    private static final int SPKI_LENGTH = 91;

    private EcdsaP256() {
    }

    /**
     * Parses a P-256 public key from its SPKI DER bytes; anything else — another curve, another
     * algorithm, a compressed or off-curve point, trailing bytes — is refused.
     */
    public static PublicKey parsePublicKey(byte[] spkiDer) throws InvalidPublicKeyException {
        if (spkiDer == null || spkiDer.length != SPKI_LENGTH
                || !Arrays.equals(spkiDer, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            throw new InvalidPublicKeyException("Not a P-256 SubjectPublicKeyInfo");
        }
        try {
            return KeyFactory.getInstance("EC", PROVIDER).generatePublic(new X509EncodedKeySpec(spkiDer));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidPublicKeyException("Not a valid P-256 point");
        }
    }

    /** True when {@code derSignature} is a valid signature of {@code message} by {@code key}. */
    public static boolean verify(PublicKey key, byte[] message, byte[] derSignature) {
        try {
            Signature verifier = newVerifier();
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(derSignature);
        } catch (SignatureException | IllegalArgumentException e) {
            return false; // malformed DER is a failed signature, not an error
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA unavailable", e);
        }
    }

    /** A fresh {@code SHA256withECDSA} from BouncyCastle ({@link Signature} objects are not thread-safe). */
    public static Signature newVerifier() throws GeneralSecurityException {
        return Signature.getInstance("SHA256withECDSA", PROVIDER);
    }

    /** Thrown for a public key that is not a well-formed P-256 SPKI. */
    public static final class InvalidPublicKeyException extends Exception {

        public InvalidPublicKeyException(String message) {
            super(message, null, false, false);
        }
    }
}
