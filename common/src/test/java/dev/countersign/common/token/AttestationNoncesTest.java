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

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }
}
