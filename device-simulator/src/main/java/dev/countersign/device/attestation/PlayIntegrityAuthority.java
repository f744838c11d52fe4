package dev.countersign.device.attestation;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jose4j.jwe.ContentEncryptionAlgorithmIdentifiers;
import org.jose4j.jwe.JsonWebEncryption;
import org.jose4j.jwe.KeyManagementAlgorithmIdentifiers;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.AesKey;
import org.jose4j.lang.JoseException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.common.token.Jose;

/**
 * Google's part of Play Integrity, played with test keys: integrity tokens as Google returns them to
 * an app (a JWE, A256KW/A256GCM, around an ES256 JWS of the verdict payload). {@link #test()} holds
 * the fixed test keys a server under test is configured with; {@link #generate()} makes others.
 * Test-only: the keys are published right here.
 */
public final class PlayIntegrityAuthority {

    /** The fixed test response keys as a tenant configures them: base64 AES-256, base64 SPKI. */
    public static final String TEST_DECRYPTION_KEY = "DSlYYkSpHBX44I7r4zAMruFixKUaeWzmYwC4U8Z4agQ=";
    public static final String TEST_VERIFICATION_KEY = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAErBuFTNav0BG0ls8u6fzPsvZ56JzaIdEh1EdKxWWAK8g0t1auU9CcUuWZoobwEWOUC2XYfkvOXYA8cicdYc9ldg==";
    private static final String TEST_SIGNING_KEY = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgeOs4BN72FvgP5LgyejGMAVsrYVJLggEY0/xgTTIjMoihRANCAASsG4VM1q/QEbSWzy7p/M+y9nnonNoh0SHUR0rFZYAryDS3Vq5T0JxS5ZmihvARY5QLZdh+S85dgDxyJx1hz2V2";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] decryptionKey;
    private final PrivateKey signingKey;
    private final String verificationKey;

    private PlayIntegrityAuthority(byte[] decryptionKey, PrivateKey signingKey, String verificationKey) {
        this.decryptionKey = decryptionKey;
        this.signingKey = signingKey;
        this.verificationKey = verificationKey;
    }

    public static PlayIntegrityAuthority test() {
        return new PlayIntegrityAuthority(Base64.getDecoder().decode(TEST_DECRYPTION_KEY),
                Keys.pkcs8(TEST_SIGNING_KEY), TEST_VERIFICATION_KEY);
    }

    /** Fresh keys nobody is configured with. */
    public static PlayIntegrityAuthority generate() {
        KeyPair pair = Keys.generate("secp256r1");
        byte[] aes = new byte[32];
        new SecureRandom().nextBytes(aes);
        return new PlayIntegrityAuthority(aes, pair.getPrivate(),
                Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
    }

    public String decryptionKey() {
        return Base64.getEncoder().encodeToString(decryptionKey);
    }

    public String verificationKey() {
        return verificationKey;
    }

    /** A token for {@code packageName} over the nonce the app passed, with the best verdicts. */
    public String token(String packageName, String nonce) {
        return verdict(packageName, nonce).build();
    }

    /** A token to adjust before {@link Builder#build()}. */
    public Builder verdict(String packageName, String nonce) {
        return new Builder(this, packageName, nonce);
    }

    /** {@code performAttestation} as the Android SDK sends it (no nonce of ours: it is inside the token). */
    public static Map<String, Object> performAttestation(String token) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("provider", "PLAY_INTEGRITY");
        body.put("token", token);
        return body;
    }

    public static final class Builder {

        private final PlayIntegrityAuthority authority;
        private final String packageName;
        private final String nonce;
        private Instant timestamp = Instant.now();
        private String appRecognition = "PLAY_RECOGNIZED";
        private List<String> deviceRecognition = List.of("MEETS_DEVICE_INTEGRITY");
        private String licensing = "LICENSED";
        private boolean tamperSignature;

        Builder(PlayIntegrityAuthority authority, String packageName, String nonce) {
            this.authority = authority;
            this.packageName = packageName;
            this.nonce = nonce;
        }

        public Builder timestamp(Instant value) {
            timestamp = value;
            return this;
        }

        public Builder appRecognitionVerdict(String value) {
            appRecognition = value;
            return this;
        }

        public Builder deviceRecognitionVerdict(String... values) {
            deviceRecognition = List.of(values);
            return this;
        }

        public Builder appLicensingVerdict(String value) {
            licensing = value;
            return this;
        }

        /** Signs over other bytes than the payload it carries. */
        public Builder tamperSignature() {
            tamperSignature = true;
            return this;
        }

        public String build() {
            return authority.make(this);
        }
    }

    private String make(Builder b) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("requestPackageName", b.packageName);
        request.put("nonce", b.nonce);
        request.put("timestampMillis", String.valueOf(b.timestamp.toEpochMilli()));
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("appRecognitionVerdict", b.appRecognition);
        app.put("packageName", b.packageName);
        app.put("versionCode", "42");
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("requestDetails", request);
        payload.put("appIntegrity", app);
        payload.put("deviceIntegrity", Map.of("deviceRecognitionVerdict", b.deviceRecognition));
        payload.put("accountDetails", Map.of("appLicensingVerdict", b.licensing));
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setProviderContext(Jose.bouncyCastle());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
            jws.setKey(signingKey);
            jws.setPayload(JSON.writeValueAsString(payload));
            String signed = jws.getCompactSerialization();
            if (b.tamperSignature) {
                // The same signature over a payload that says something else.
                jws.setPayload(JSON.writeValueAsString(Map.of("requestDetails", request)));
                String[] parts = signed.split("\\.");
                signed = jws.getHeaders().getEncodedHeader() + "." + jws.getEncodedPayload() + "." + parts[2];
            }
            JsonWebEncryption jwe = new JsonWebEncryption();
            jwe.setAlgorithmHeaderValue(KeyManagementAlgorithmIdentifiers.A256KW);
            jwe.setEncryptionMethodHeaderParameter(ContentEncryptionAlgorithmIdentifiers.AES_256_GCM);
            jwe.setKey(new AesKey(decryptionKey));
            jwe.setPayload(signed);
            return jwe.getCompactSerialization();
        } catch (JoseException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
