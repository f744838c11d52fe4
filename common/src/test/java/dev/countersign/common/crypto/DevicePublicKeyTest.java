package dev.countersign.common.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DevicePublicKeyTest {

    private static JsonNode vector;
    private static String spki;

    @BeforeAll
    static void loadVector() throws Exception {
        try (InputStream in = DevicePublicKeyTest.class.getResourceAsStream("/ecdsa-p256-vector.json")) {
            vector = new ObjectMapper().readTree(in);
        }
        spki = vector.get("publicKeySpkiB64").asText();
    }

    @Test
    void sameKeyFromEveryEncodingIsEqual() {
        DevicePublicKey fromBody = DevicePublicKey.fromSpkiBase64(spki).orElseThrow();
        DevicePublicKey fromQuery = DevicePublicKey.fromQueryParameter(vector.get("publicKeyQueryParam_ios").asText()).orElseThrow();

        assertThat(fromQuery).isEqualTo(fromBody).hasSameHashCodeAs(fromBody);
        assertThat(fromBody.spki()).isEqualTo(Base64.getDecoder().decode(spki));
    }

    @Test
    void androidQueryFormStandardPadded() {
        assertThat(DevicePublicKey.fromQueryParameter(vector.get("publicKeyQueryParam_android").asText()))
                .hasValueSatisfying(key -> assertThat(key.spkiBase64()).isEqualTo(spki));
    }

    @Test
    void iosQueryFormUrlSafeUnpadded() {
        assertThat(DevicePublicKey.fromQueryParameter(vector.get("publicKeyQueryParam_ios").asText()))
                .hasValueSatisfying(key -> assertThat(key.spkiBase64()).isEqualTo(spki));
    }

    @Test
    void queryFormsWithPaddingSwapped() {
        String android = vector.get("publicKeyQueryParam_android").asText();
        assertThat(DevicePublicKey.fromQueryParameter(android.substring(0, android.length() - 2)))
                .hasValueSatisfying(key -> assertThat(key.spkiBase64()).isEqualTo(spki));
        assertThat(DevicePublicKey.fromQueryParameter(vector.get("publicKeyQueryParam_ios").asText() + "=="))
                .hasValueSatisfying(key -> assertThat(key.spkiBase64()).isEqualTo(spki));
    }

    @Test
    void queryWhoseInnerTextIsUrlSafeUnpaddedStillReadsBack() {
        String innerUrlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(Base64.getDecoder().decode(spki));
        String query = Base64.getUrlEncoder().withoutPadding().encodeToString(innerUrlSafe.getBytes(UTF_8));
        assertThat(DevicePublicKey.fromQueryParameter(query))
                .hasValueSatisfying(key -> assertThat(key.spkiBase64()).isEqualTo(spki));
    }

    @Test
    void bodyFieldInEitherAlphabetIsCanonicalised() {
        byte[] der = Base64.getDecoder().decode(spki);
        for (String text : new String[] {spki, Base64.getUrlEncoder().withoutPadding().encodeToString(der),
            spki.replace('+', ' '), spki.substring(0, spki.length() - 2)}) {
            assertThat(DevicePublicKey.fromSpkiBase64(text)).as(text)
                    .hasValueSatisfying(key -> assertThat(key.spkiBase64()).isEqualTo(spki));
        }
    }

    @Test
    void iosHandBuiltSpkiEqualsJavasEncoding() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        byte[] javaSpki = generator.generateKeyPair().getPublic().getEncoded();
        // iOS: fixed 26-byte header + the 65-byte uncompressed point (docs/protocol/wire.md#22-public-key-encoding).
        byte[] header = Base64.getDecoder().decode("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE");
        byte[] point = Arrays.copyOfRange(javaSpki, 26, 91);
        byte[] ios = new byte[91];
        System.arraycopy(header, 0, ios, 0, 26);
        System.arraycopy(point, 0, ios, 26, 65);
        assertThat(DevicePublicKey.fromSpki(ios))
                .hasValueSatisfying(key -> assertThat(key.spkiBase64()).isEqualTo(Base64.getEncoder().encodeToString(javaSpki)));
    }

    @Test
    void verifiesTheVectorsSignaturesAndRefusesAlteredMessages() {
        DevicePublicKey key = DevicePublicKey.fromSpkiBase64(spki).orElseThrow();
        assertThat(key.verifies(vector.get("challengeId").asText(), vector.get("signatureOverChallengeId").asText())).isTrue();
        assertThat(key.verifies("2940774.0", vector.get("signatureOverTimeMessage").asText())).isTrue();
        assertThat(key.verifies("2940774", vector.get("signatureOverTimeMessage").asText())).isFalse();
        assertThat(key.verifies(vector.get("challengeId").asText(), "not base64!")).isFalse();
        assertThat(key.verifies(vector.get("challengeId").asText(), "AAAA")).isFalse();
    }

    @Test
    void otherCurveIsRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp384r1"));
        String p384 = Base64.getEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded());
        assertThat(DevicePublicKey.fromSpkiBase64(p384)).isEmpty();
        assertThat(DevicePublicKey.fromQueryParameter(Base64.getEncoder().encodeToString(p384.getBytes(UTF_8)))).isEmpty();
    }

    @Test
    void rsaKeyIsRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        String rsa = Base64.getEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded());
        assertThat(DevicePublicKey.fromSpkiBase64(rsa)).isEmpty();
    }

    @Test
    void truncatedOrExtendedKeyIsRefused() {
        byte[] der = Base64.getDecoder().decode(spki);
        assertThat(DevicePublicKey.fromSpki(Arrays.copyOf(der, 90))).isEmpty();
        assertThat(DevicePublicKey.fromSpki(Arrays.copyOf(der, 92))).isEmpty();
        assertThat(DevicePublicKey.fromSpkiBase64(spki.substring(0, 60))).isEmpty();
        String truncatedInner = spki.substring(0, 100);
        assertThat(DevicePublicKey.fromQueryParameter(Base64.getEncoder().encodeToString(truncatedInner.getBytes(UTF_8))))
                .isEmpty();
    }

    @Test
    void queryParameterThatIsTheSpkiItselfNotDoubleEncodedIsRefused() {
        assertThat(DevicePublicKey.fromQueryParameter(spki)).isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"garbage!", "====", "AAAA"})
    void garbageIsRefusedEverywhere(String text) {
        assertThat(DevicePublicKey.fromSpkiBase64(text)).isEmpty();
        assertThat(DevicePublicKey.fromQueryParameter(text)).isEmpty();
    }

    @Test
    void nullDerIsRefused() {
        assertThat(DevicePublicKey.fromSpki(null)).isEmpty();
    }

    @Test
    void fingerprintIsStableAndUrlSafe() {
        DevicePublicKey a = DevicePublicKey.fromSpkiBase64(spki).orElseThrow();
        DevicePublicKey b = DevicePublicKey.fromQueryParameter(vector.get("publicKeyQueryParam_ios").asText()).orElseThrow();
        assertThat(a.fingerprint()).isEqualTo(b.fingerprint()).hasSize(43).matches("[A-Za-z0-9_-]+");
    }
}
