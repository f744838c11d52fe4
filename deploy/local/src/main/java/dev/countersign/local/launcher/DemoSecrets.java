package dev.countersign.local.launcher;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

import dev.countersign.common.crypto.Sha256;

/**
 * Secrets made fresh at every start of the run command, so nothing secret is ever committed:
 * the demo tenant's Server API secret (services get only its SHA-256) and the ES256 key pair
 * that challenge-service signs client tokens with.
 */
public record DemoSecrets(String tenantId, String secretKey, String signingKeyPem, String publicKeyPem) {

    public static DemoSecrets generate(String tenantId) {
        SecureRandom random = new SecureRandom();
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair keys = generator.generateKeyPair();
            return new DemoSecrets(tenantId,
                    "sk_local_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret),
                    pem("PRIVATE KEY", keys.getPrivate().getEncoded()),
                    pem("PUBLIC KEY", keys.getPublic().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("No P-256 key generation in this JDK", e);
        }
    }

    public String secretKeySha256() {
        return Sha256.hex(secretKey);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    @Override
    public String toString() {
        return "DemoSecrets[tenantId=" + tenantId + ", secrets redacted]";
    }
}
