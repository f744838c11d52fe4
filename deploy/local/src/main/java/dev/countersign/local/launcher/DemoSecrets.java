package dev.countersign.local.launcher;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;

import dev.countersign.common.crypto.Sha256;

/**
 * Secrets made fresh at every start of the run command, so nothing secret is ever committed:
 * each tenant's Server API secret (services get only its SHA-256) and the ES256 key pair that
 * challenge-service signs client tokens with, and the services' shared {@code countersign.internal.secret}.
 * The first tenant is the demo tenant.
 */
public record DemoSecrets(List<TenantSecret> tenants, String signingKeyPem, String publicKeyPem, String internalSecret) {

    /** One tenant's id and its Server API secret key. */
    public record TenantSecret(String tenantId, String secretKey) {

        public String secretKeySha256() {
            return Sha256.hex(secretKey);
        }

        @Override
        public String toString() {
            return "TenantSecret[tenantId=" + tenantId + ", secret redacted]";
        }
    }

    public DemoSecrets {
        if (tenants.isEmpty()) {
            throw new IllegalArgumentException("At least one tenant");
        }
        tenants = List.copyOf(tenants);
    }

    public static DemoSecrets generate(String tenantId) {
        return generate(List.of(tenantId));
    }

    public static DemoSecrets generate(List<String> tenantIds) {
        SecureRandom random = new SecureRandom();
        List<TenantSecret> tenants = tenantIds.stream().map(id -> new TenantSecret(id, secretKey(random))).toList();
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair keys = generator.generateKeyPair();
            return new DemoSecrets(tenants,
                    pem("PRIVATE KEY", keys.getPrivate().getEncoded()),
                    pem("PUBLIC KEY", keys.getPublic().getEncoded()),
                    randomText(random));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("No P-256 key generation in this JDK", e);
        }
    }

    private static String secretKey(SecureRandom random) {
        return "sk_local_" + randomText(random);
    }

    /** 256 random bits as 43 base64url characters. */
    private static String randomText(SecureRandom random) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** The demo (first) tenant's id. */
    public String tenantId() {
        return tenants.get(0).tenantId();
    }

    /** The demo (first) tenant's secret key. */
    public String secretKey() {
        return tenants.get(0).secretKey();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    @Override
    public String toString() {
        return "DemoSecrets[tenants=" + tenants.stream().map(TenantSecret::tenantId).toList() + ", secrets redacted]";
    }
}
