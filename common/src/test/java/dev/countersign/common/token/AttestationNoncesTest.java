package dev.countersign.common.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.countersign.common.crypto.TestKeys;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;

class AttestationNoncesTest {

    private static final Instant NOW = Instant.parse("2026-11-30T01:02:03.456Z");

    private final KeyPair keys = TestKeys.p256();
    private final AttestationNonces nonces = new AttestationNonces(Optional.of(keys.getPrivate()),
            List.of(keys.getPublic()), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void issuedNonceIsUrlSafeBase64WithinPlayIntegrityBoundsAndVerifiesForItsAction() {
        AttestationNonces.Issued issued = nonces.issue("tenant-1", "idem-1", Duration.ofMinutes(5));

        assertThat(issued.nonce()).matches("[A-Za-z0-9_-]+");
        assertThat(Base64.getUrlDecoder().decode(issued.nonce()).length).isBetween(16, 500);
        assertThat(issued.nonce().length()).isLessThanOrEqualTo(500);
        assertThat(issued.expiresAt()).isEqualTo(Instant.parse("2026-11-30T01:07:03Z"));

        AttestationNonces.Verified verified = nonces.verify(issued.nonce(), "tenant-1", "idem-1");
        assertThat(verified.id()).isEqualTo(issued.id());
        assertThat(verified.expiresAt()).isEqualTo(issued.expiresAt());
    }

    @Test
    void verifyWhenOtherActionOrTenantThenRefused() {
        String nonce = nonces.issue("tenant-1", "idem-1", Duration.ofMinutes(5)).nonce();

        assertRefused(() -> nonces.verify(nonce, "tenant-1", "idem-2"));
        assertRefused(() -> nonces.verify(nonce, "tenant-2", "idem-1"));
    }

    @Test
    void verifyWhenExpiredThenRefused() {
        String nonce = nonces.encode(AttestationNonces.body(UUID.randomUUID(), NOW.minusSeconds(1),
                AttestationNonces.binding("tenant-1", "idem-1")));

        assertRefused(() -> nonces.verify(nonce, "tenant-1", "idem-1"));
    }

    @Test
    void verifyWhenSignedByAnotherKeyOrTamperedOrMalformedThenRefused() {
        AttestationNonces stranger = new AttestationNonces(Optional.of(TestKeys.p256().getPrivate()), List.of(),
                Clock.fixed(NOW, ZoneOffset.UTC));
        String foreign = stranger.issue("tenant-1", "idem-1", Duration.ofMinutes(5)).nonce();
        assertRefused(() -> nonces.verify(foreign, "tenant-1", "idem-1"));

        byte[] bytes = Base64.getUrlDecoder().decode(nonces.issue("tenant-1", "idem-1", Duration.ofMinutes(5)).nonce());
        bytes[3] ^= 1; // a later expiry
        String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        assertRefused(() -> nonces.verify(tampered, "tenant-1", "idem-1"));

        assertRefused(() -> nonces.verify("not base64!", "tenant-1", "idem-1"));
        assertRefused(() -> nonces.verify("AQID", "tenant-1", "idem-1"));
        assertRefused(() -> nonces.verify(null, "tenant-1", "idem-1"));
    }

    @Test
    void bodySignedWithoutTheNonceContextIsRefusedSoNoOtherSignatureOfTheTokenKeyPassesAsANonce() throws Exception {
        byte[] body = AttestationNonces.body(UUID.randomUUID(), NOW.plusSeconds(300),
                AttestationNonces.binding("tenant-1", "idem-1"));
        java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA",
                dev.countersign.common.crypto.EcdsaP256.PROVIDER);
        signer.initSign(keys.getPrivate());
        signer.update(body);
        byte[] signature = signer.sign();
        byte[] bare = java.util.Arrays.copyOf(body, body.length + signature.length);
        System.arraycopy(signature, 0, bare, body.length, signature.length);

        assertRefused(() -> nonces.verify(Base64.getUrlEncoder().withoutPadding().encodeToString(bare),
                "tenant-1", "idem-1"));
    }

    @Test
    void tokenSignedWithTheSameKeyIsNeverAcceptedAsANonce() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        String token = new TokenIssuer("countersign", Duration.ofMinutes(10), Optional.of(keys.getPrivate()), clock)
                .issue(TokenType.TRACK, "tenant-1", "user-1", "signIn", "idem-1", java.util.Set.of(), null).token();
        String[] parts = token.split("\\.");
        // The token, and its signing input with its signature turned to DER as a nonce would carry it.
        byte[] input = (parts[0] + "." + parts[1]).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] der = derOf(Base64.getUrlDecoder().decode(parts[2]));
        byte[] asNonce = java.util.Arrays.copyOf(input, input.length + der.length);
        System.arraycopy(der, 0, asNonce, input.length, der.length);

        assertRefused(() -> nonces.verify(token, "tenant-1", "idem-1"));
        assertRefused(() -> nonces.verify(Base64.getUrlEncoder().withoutPadding().encodeToString(asNonce),
                "tenant-1", "idem-1"));
    }

    @Test
    void nonceSignedWithTheTokenKeyIsNeverAcceptedAsAToken() {
        TokenVerifier verifier = new TokenVerifier("countersign", List.of(keys.getPublic()),
                Clock.fixed(NOW, ZoneOffset.UTC));
        String nonce = nonces.issue("tenant-1", "idem-1", Duration.ofMinutes(5)).nonce();

        assertThatThrownBy(() -> verifier.verify(nonce)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
    }

    /** JWS carries ES256 as r‖s; the nonce carries DER. */
    private static byte[] derOf(byte[] rs) {
        byte[] r = integer(java.util.Arrays.copyOfRange(rs, 0, 32));
        byte[] s = integer(java.util.Arrays.copyOfRange(rs, 32, 64));
        byte[] der = new byte[2 + r.length + s.length];
        der[0] = 0x30;
        der[1] = (byte) (r.length + s.length);
        System.arraycopy(r, 0, der, 2, r.length);
        System.arraycopy(s, 0, der, 2 + r.length, s.length);
        return der;
    }

    private static byte[] integer(byte[] unsigned) {
        byte[] value = new java.math.BigInteger(1, unsigned).toByteArray();
        byte[] encoded = new byte[2 + value.length];
        encoded[0] = 0x02;
        encoded[1] = (byte) value.length;
        System.arraycopy(value, 0, encoded, 2, value.length);
        return encoded;
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }
}
