package dev.countersign.credential;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.jce.ECNamedCurveTable;

/** A device's P-256 key pair, encoding and signing as the Android and iOS SDKs do (docs/protocol/wire.md#16-the-publickey-query-parameter, docs/protocol/wire.md#2-keys-and-signatures). */
public final class TestDeviceKey {

    private final KeyPair pair;

    private TestDeviceKey(KeyPair pair) {
        this.pair = pair;
    }

    public static TestDeviceKey generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return new TestDeviceKey(generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Body field form: SPKI DER, standard padded base64. */
    public String publicKey() {
        return Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    }

    /** {@code ?publicKey=} as Android sends it: standard padded base64 of the SPKI base64 text. */
    public String androidQuery() {
        return Base64.getEncoder().encodeToString(publicKey().getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code ?publicKey=} as iOS sends it: base64url without padding of the SPKI base64 text. */
    public String iosQuery() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(publicKey().getBytes(StandardCharsets.US_ASCII));
    }

    /** SHA256withECDSA, DER, standard base64. */
    public String sign(String message) {
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(pair.getPrivate());
            signature.update(message.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The other valid encoding of an ECDSA signature, {@code (r, n - s)}: what an attacker can make
     * from a captured signature without the key.
     */
    public static String malleated(String signature) {
        try {
            ASN1Sequence sequence = ASN1Sequence.getInstance(Base64.getDecoder().decode(signature));
            BigInteger r = ASN1Integer.getInstance(sequence.getObjectAt(0)).getPositiveValue();
            BigInteger s = ASN1Integer.getInstance(sequence.getObjectAt(1)).getPositiveValue();
            BigInteger order = ECNamedCurveTable.getParameterSpec("secp256r1").getN();
            byte[] twin = new DERSequence(new ASN1Encodable[] {new ASN1Integer(r), new ASN1Integer(order.subtract(s))})
                    .getEncoded();
            return Base64.getEncoder().encodeToString(twin);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The remove proof for a 10-minute window, written as Kotlin's and Swift's Double: "2940774.0". */
    public String signWindow(long window) {
        return sign(window + ".0");
    }
}
