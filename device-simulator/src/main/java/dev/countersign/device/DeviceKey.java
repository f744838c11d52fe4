package dev.countersign.device;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

import dev.countersign.common.crypto.EcdsaP256;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.jce.spec.ECPublicKeySpec;

/**
 * One P-256 key pair of a device feature, signing as the SDKs do (docs/protocol/wire.md#23-signature-algorithm-and-encoding): ECDSA SHA-256 over the
 * UTF-8 message, ASN.1 DER, standard padded base64. The public key is SPKI DER in standard base64 (docs/protocol/wire.md#22-public-key-encoding).
 */
public final class DeviceKey {

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private DeviceKey(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** A fresh key pair, as the device's keystore would generate it. */
    public static DeviceKey generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", EcdsaP256.PROVIDER);
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            var pair = generator.generateKeyPair();
            return new DeviceKey(pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("No P-256 key generation", e);
        }
    }

    /** The key pair of a given PKCS#8 private key (base64), e.g. the protocol test vector's. */
    public static DeviceKey fromPkcs8(String pkcs8Base64) {
        try {
            PrivateKey privateKey = KeyFactory.getInstance("EC", EcdsaP256.PROVIDER)
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pkcs8Base64)));
            // PKCS#8 carries the public point only optionally; derive it as Q = d·G on the named curve.
            ECNamedCurveParameterSpec curve = ECNamedCurveTable.getParameterSpec("secp256r1");
            var d = ((org.bouncycastle.jce.interfaces.ECPrivateKey) privateKey).getD();
            PublicKey publicKey = KeyFactory.getInstance("EC", EcdsaP256.PROVIDER)
                    .generatePublic(new ECPublicKeySpec(curve.getG().multiply(d).normalize(), curve));
            return new DeviceKey(privateKey, publicKey);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("Not a P-256 PKCS#8 private key", e);
        }
    }

    /** The private key as PKCS#8 DER, standard base64: what {@link #fromPkcs8} reads (the device CLI's key file). */
    public String pkcs8Base64() {
        return Base64.getEncoder().encodeToString(privateKey.getEncoded());
    }

    /** SPKI DER, standard base64 with padding: the {@code publicKey} body field. */
    public String spkiBase64() {
        return Base64.getEncoder().encodeToString(publicKey.getEncoded());
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** Base64 (standard, padded) DER ECDSA signature of the UTF-8 {@code message}. */
    public String sign(String message) {
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA", EcdsaP256.PROVIDER);
            signer.initSign(privateKey);
            signer.update(message.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA signing failed", e);
        }
    }
}
