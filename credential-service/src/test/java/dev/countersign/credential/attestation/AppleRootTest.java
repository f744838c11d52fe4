package dev.countersign.credential.attestation;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The App Attest root shipped with the service is Apple's, byte for byte (docs/attestation.md). */
class AppleRootTest {

    @Test
    void shippedRootIsApplesAppAttestationRootCaIntactAndPinnedByFingerprint() throws Exception {
        List<X509Certificate> roots = AttestationChecks.roots(Optional.empty());

        assertThat(roots).hasSize(1);
        X509Certificate root = roots.get(0);
        assertThat(root.getSubjectX500Principal().getName()).contains("CN=Apple App Attestation Root CA");
        root.verify(root.getPublicKey()); // self-signed: a changed byte would break the signature
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(root.getEncoded())))
                .isEqualTo("1cb9823ba28ba6ad2d33a006941de2ae4f513ef1d4e831b9f7e0fa7b6242c932");
    }

    @Test
    void configuredRootsReplaceApples() {
        String apple = AttestationChecks.roots(Optional.empty()).get(0).getSubjectX500Principal().getName();
        String configured = dev.countersign.device.attestation.AppAttestAuthority.TEST_ROOT_CERTIFICATE;

        List<X509Certificate> roots = AttestationChecks.roots(Optional.of(List.of(configured)));

        assertThat(roots).extracting(root -> root.getSubjectX500Principal().getName())
                .hasSize(1).doesNotContain(apple);
    }
}
