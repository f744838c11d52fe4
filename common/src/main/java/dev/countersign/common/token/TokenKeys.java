package dev.countersign.common.token;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

import dev.countersign.common.crypto.EcdsaP256;
import dev.countersign.common.crypto.Sha256;

/** PEM parsing of the ES256 token keys, and the key id ({@code kid}) that names a public key. */
public final class TokenKeys {

    private TokenKeys() {
    }

    public static PrivateKey privateKey(String pkcs8Pem) {
        try {
            return KeyFactory.getInstance("EC", EcdsaP256.PROVIDER)
                    .generatePrivate(new PKCS8EncodedKeySpec(der(pkcs8Pem, "PRIVATE KEY")));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("countersign.tokens.signing-key is not a PKCS#8 EC key in PEM", e);
        }
    }

    public static ECPublicKey publicKey(String spkiPem) {
        try {
            return (ECPublicKey) EcdsaP256.parsePublicKey(der(spkiPem, "PUBLIC KEY"));
        } catch (EcdsaP256.InvalidPublicKeyException | IllegalArgumentException e) {
            throw new IllegalArgumentException("countersign.tokens.public-keys holds a key that is not a P-256 PEM", e);
        }
    }

    /** Base64url SHA-256 of the SPKI: stable, so a verifier picks the right key during rotation. */
    public static String keyId(PublicKey key) {
        return Sha256.base64Url(key.getEncoded()).substring(0, 22);
    }

    private static byte[] der(String pem, String type) {
        String body = pem.replace("-----BEGIN " + type + "-----", "")
                .replace("-----END " + type + "-----", "")
                .replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }
}
