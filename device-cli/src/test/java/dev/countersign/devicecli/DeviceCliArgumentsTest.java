package dev.countersign.devicecli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.device.DeviceKey;

/** The CLI's local parts: QR payloads, the key file, usage errors. The commands run in e2e's DeviceCliTest. */
class DeviceCliArgumentsTest {

    @TempDir
    Path dir;

    @Test
    void challengeIdIsTakenFromAnIdAQueryParameterOrTheLastPathSegment() {
        assertThat(DeviceCli.challengeIdOf(" 3a991a14-690c-492b-a5e5-02b9056a4b7d ")).isEqualTo("3a991a14-690c-492b-a5e5-02b9056a4b7d");
        assertThat(DeviceCli.challengeIdOf("https://app.example/qr?x=1&challengeId=abc-123")).isEqualTo("abc-123");
        assertThat(DeviceCli.challengeIdOf("myapp://approve/abc-456")).isEqualTo("abc-456");
    }

    @Test
    void keyFileIsCreatedOnceOwnerOnlyAndGivesTheSameKeysNextTime() throws Exception {
        Path file = dir.resolve("keys");
        Map<CredentialKind, DeviceKey> first = KeyFile.loadOrCreate(file);
        Map<CredentialKind, DeviceKey> second = KeyFile.loadOrCreate(file);
        for (CredentialKind kind : CredentialKind.values()) {
            assertThat(second.get(kind).spkiBase64()).isEqualTo(first.get(kind).spkiBase64());
        }
        assertThat(first.get(CredentialKind.PUSH).spkiBase64()).isNotEqualTo(first.get(CredentialKind.QR_CODE).spkiBase64());
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }

    @Test
    void unknownProfileOrKindIsAUsageErrorWithoutAnyRequest() {
        StringWriter err = new StringWriter();
        int code = DeviceCli.run(new ByteArrayInputStream(new byte[0]), new PrintWriter(new StringWriter()),
                new PrintWriter(err, true), "--profile", "windows", "--keys", dir.resolve("k").toString(), "pending");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--profile must be android or ios");
        code = DeviceCli.run(new ByteArrayInputStream(new byte[0]), new PrintWriter(new StringWriter()),
                new PrintWriter(err, true), "--keys", dir.resolve("k").toString(), "credential", "--kind", "sms");
        assertThat(code).isEqualTo(2);
    }

    @Test
    void everyCommandAnswersHelpWithItsUsageAndNoRequest() {
        for (String command : new String[] {"enroll", "credential", "remove", "pending", "approve", "reject", "claim", "in-app", "test-authorities"}) {
            StringWriter out = new StringWriter();
            int code = DeviceCli.run(new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
                    new PrintWriter(new StringWriter()), "--base-url", "http://127.0.0.1:9/v1", "--keys",
                    dir.resolve("k").toString(), command, "--help");
            assertThat(code).as(command).isZero();
            assertThat(out.toString()).as(command).contains("Usage: countersign-device " + command);
        }
    }

    @Test
    void testAuthoritiesWritesTheTestAppAttestRootAsPemAndPrintsThePlayTestKeys() throws Exception {
        Path roots = dir.resolve("roots.pem");
        StringWriter out = new StringWriter();

        int code = DeviceCli.run(new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
                new PrintWriter(new StringWriter()), "test-authorities", "--roots-file", roots.toString());

        assertThat(code).isZero();
        assertThat(out.toString().lines()).containsExactly(
                "APP_ATTEST_ROOTS_PATH=" + roots.toAbsolutePath(),
                "PLAY_DECRYPTION_KEY=" + dev.countersign.device.attestation.PlayIntegrityAuthority.TEST_DECRYPTION_KEY,
                "PLAY_VERIFICATION_KEY=" + dev.countersign.device.attestation.PlayIntegrityAuthority.TEST_VERIFICATION_KEY);
        java.security.cert.X509Certificate root = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                .getInstance("X.509").generateCertificate(Files.newInputStream(roots));
        assertThat(java.util.Base64.getEncoder().encodeToString(root.getEncoded()))
                .isEqualTo(dev.countersign.device.attestation.AppAttestAuthority.TEST_ROOT_CERTIFICATE);
    }
}
