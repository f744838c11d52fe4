package dev.countersign.common.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checked against the protocol's test vector (generated with Node crypto, ecdsa-p256-vector.json). */
class EcdsaP256Test {

    private static JsonNode vector;
    private static PublicKey vectorKey;

    @BeforeAll
    static void loadVector() throws Exception {
        try (InputStream in = EcdsaP256Test.class.getResourceAsStream("/ecdsa-p256-vector.json")) {
            vector = new ObjectMapper().readTree(in);
        }
        vectorKey = EcdsaP256.parsePublicKey(b64(vector.get("publicKeySpkiB64").asText()));
    }

    @Test
    void verifiesTheVectorsSignatureOverTheChallengeId() {
        assertThat(EcdsaP256.verify(vectorKey, utf8("challengeId"), b64(vector.get("signatureOverChallengeId").asText())))
                .isTrue();
    }

    @Test
    void verifiesTheVectorsSignatureOverTheTimeWindowMessage() {
        assertThat(vector.get("timeMessage").asText()).isEqualTo(vector.get("timeWindow").asLong() + ".0");
        assertThat(EcdsaP256.verify(vectorKey, utf8("timeMessage"), b64(vector.get("signatureOverTimeMessage").asText())))
                .isTrue();
    }

    @Test
    void verifyWhenChallengeIdAlteredThenFalse() {
        byte[] altered = vector.get("challengeId").asText().replace('3', '4').getBytes(UTF_8);
        assertThat(EcdsaP256.verify(vectorKey, altered, b64(vector.get("signatureOverChallengeId").asText()))).isFalse();
    }

    @Test
    void verifyWhenIntegerTimeMessageThenFalse() {
        byte[] integerForm = vector.get("timeWindow").asText().getBytes(UTF_8);
        assertThat(EcdsaP256.verify(vectorKey, integerForm, b64(vector.get("signatureOverTimeMessage").asText()))).isFalse();
    }

    @Test
    void verifyWhenAnotherKeyThenFalse() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", EcdsaP256.PROVIDER);
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        PublicKey other = generator.generateKeyPair().getPublic();
        assertThat(EcdsaP256.verify(other, utf8("challengeId"), b64(vector.get("signatureOverChallengeId").asText())))
                .isFalse();
    }

    @Test
    void verifyWhenSignatureIsNotDerThenFalse() {
        assertThat(EcdsaP256.verify(vectorKey, utf8("challengeId"), new byte[] {1, 2, 3})).isFalse();
    }

    @Test
    void parseWhenOtherCurveThenRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", EcdsaP256.PROVIDER);
        generator.initialize(new ECGenParameterSpec("secp384r1"));
        byte[] p384 = generator.generateKeyPair().getPublic().getEncoded();
        assertThatThrownBy(() -> EcdsaP256.parsePublicKey(p384)).isInstanceOf(EcdsaP256.InvalidPublicKeyException.class);
    }

    @Test
    void parseWhenPointNotOnCurveThenRefused() {
        byte[] spki = b64(vector.get("publicKeySpkiB64").asText());
        spki[spki.length - 1] ^= 1;
        assertThatThrownBy(() -> EcdsaP256.parsePublicKey(spki)).isInstanceOf(EcdsaP256.InvalidPublicKeyException.class);
    }

    @Test
    void signaturesAreVerifiedByBouncyCastle() throws Exception {
        assertThat(EcdsaP256.newVerifier().getProvider().getName()).isEqualTo("BC");
    }

    private static byte[] utf8(String field) {
        return vector.get(field).asText().getBytes(UTF_8);
    }

    private static byte[] b64(String text) {
        return Base64.getDecoder().decode(text);
    }
}
