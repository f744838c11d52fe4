package dev.countersign.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.wire.BasicAuthorization;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the device (and the browser) encode, common's server-side decoders read back. */
class CommonDecodersReadEveryClientTest {

    // "acme>>:" encodes with '+', "x>?:" with '/', so both alphabets really differ for them.
    @ParameterizedTest
    @ValueSource(strings = {"tenant-123", "3f1c9a0e-5b7d-4e2a-9c61-0d8f2b7a4e10", "acme>>", "x>?", "tenant-été"})
    void basicAuthorizationOfEveryClientReadsBackAsTheTenantId(String tenantId) {
        for (DeviceProfile profile : DeviceProfile.values()) {
            assertThat(BasicAuthorization.userPart(profile.basicAuthorization(tenantId)))
                    .as(profile.name()).contains(tenantId);
        }
        assertThat(BasicAuthorization.userPart(browserBasic(tenantId))).as("browser").contains(tenantId);
    }

    @ParameterizedTest
    @ValueSource(strings = {"acme>>", "tenant-123"})
    void basicAuthorizationWithPlusTurnedIntoSpaceStillReadsBack(String tenantId) {
        String android = DeviceProfile.ANDROID_3_8.basicAuthorization(tenantId);
        String mangled = "Basic " + android.substring("Basic ".length()).replace('+', ' ');
        assertThat(BasicAuthorization.userPart(mangled)).contains(tenantId);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7})
    void publicKeyQueryOfBothProfilesReadsBackAsTheCanonicalKey(int attempt) {
        SimulatedDevice device = SimulatedDevice.create(DeviceProfile.ANDROID_3_8, "http://127.0.0.1:1/v1", "t");
        for (CredentialKind kind : CredentialKind.values()) {
            String spki = device.publicKey(kind);
            for (DeviceProfile profile : DeviceProfile.values()) {
                String query = profile.publicKeyQueryValue(spki);
                assertThat(query).as("no + or / can occur in the outer encoding").doesNotContain("+", "/");
                assertThat(DevicePublicKey.fromQueryParameter(query)).as(profile.name())
                        .hasValueSatisfying(key -> assertThat(key.spkiBase64()).isEqualTo(spki));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void publicKeyBodyFieldWithPlusTurnedIntoSpaceReadsBack(int attempt) {
        String spki;
        do {
            spki = SimulatedDevice.create(DeviceProfile.IOS_2_7, "http://127.0.0.1:1/v1", "t").publicKey(CredentialKind.PUSH);
        } while (!spki.contains("+"));
        String finalSpki = spki;
        assertThat(DevicePublicKey.fromSpkiBase64(spki.replace('+', ' ')))
                .hasValueSatisfying(key -> assertThat(key.spkiBase64()).isEqualTo(finalSpki));
    }

    /** {@code "Basic " + btoa(encodeURIComponent(id))}, as @authsignal/browser 1.16.0 builds it. */
    private static String browserBasic(String tenantId) {
        String uriComponent = URLEncoder.encode(tenantId, StandardCharsets.UTF_8)
                .replace("+", "%20").replace("%21", "!").replace("%27", "'")
                .replace("%28", "(").replace("%29", ")").replace("%7E", "~");
        return "Basic " + Base64.getEncoder().encodeToString(uriComponent.getBytes(StandardCharsets.US_ASCII));
    }
}
