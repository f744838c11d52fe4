package dev.countersign.challenge;

import static dev.countersign.challenge.ActionResourceTest.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.countersign.challenge.QrChallengeTest.Kiosk;
import dev.countersign.challenge.replica.KeyReplica;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.event.CredentialEvent;
import dev.countersign.testkit.TestTenants;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.device.WireJson;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The legacy {@code device} challenge routes (docs/protocol/wire.md#71-legacy-device-namespace) run the same QR flows as their modern
 * {@code qr-code} twins: every case here runs against both paths, both SDK profiles.
 */
@QuarkusTest
class LegacyDeviceChallengeTest {

    static final String TENANT = TestTenants.TENANT_ID;

    @Inject
    KeyReplica replica;

    enum Route {
        QR_CODE("/client/user-authenticators/qr-code/challenge"),
        DEVICE("/client/user-authenticators/device/challenge");

        final String path;

        Route(String path) {
            this.path = path;
        }
    }

    static Stream<Arguments> routesAndProfiles() {
        return Stream.of(Route.values()).flatMap(route -> Stream.of(DeviceProfile.values())
                .map(profile -> Arguments.of(route, profile)));
    }

    String enrol(String userId, SimulatedDevice device, CredentialKind kind) {
        String id = UUID.randomUUID().toString();
        DevicePublicKey key = DevicePublicKey.fromSpkiBase64(device.publicKey(kind)).orElseThrow();
        TestCredentials.produce(TestCredentials.event(CredentialEvent.ADDED, TENANT, id, 1, userId, kind.wireName(),
                key, Instant.now()));
        await().atMost(KeyReplicaTest.EVENT_WAIT)
                .until(() -> replica.find(TENANT, kind, key).await().indefinitely().isPresent());
        return id;
    }

    static DeviceResponse claim(Route route, SimulatedDevice device, String challengeId) {
        return device.post(route.path + "/claim", device.basicAuthorization(), WireJson.object()
                .put("publicKey", device.publicKey(CredentialKind.QR_CODE)).put("challengeId", challengeId)
                .put("signature", device.sign(CredentialKind.QR_CODE, challengeId)));
    }

    static DeviceResponse answer(Route route, SimulatedDevice device, String challengeId, boolean approved) {
        return device.post(route.path, device.basicAuthorization(), WireJson.object()
                .put("publicKey", device.publicKey(CredentialKind.QR_CODE)).put("challengeId", challengeId)
                .put("signature", device.sign(CredentialKind.QR_CODE, challengeId)).put("approved", approved)
                .put("verificationCode", null));
    }

    @ParameterizedTest
    @MethodSource("routesAndProfiles")
    void claimAndApproveGiveTheKioskAValidToken(Route route, DeviceProfile profile) {
        SimulatedDevice phone = QrChallengeTest.device(profile);
        String userId = user();
        enrol(userId, phone, CredentialKind.QR_CODE);
        Kiosk kiosk = QrChallengeTest.create();

        DeviceResponse claimed = claim(route, phone, kiosk.challengeId());
        assertThat(claimed.status()).as(claimed.toString()).isEqualTo(200);
        assertThat(claimed.json().get("success").asBoolean()).isTrue();
        assertThat(claimed.text("userAgent")).isEqualTo(QrChallengeTest.KIOSK_AGENT);
        QrChallengeTest.poll(kiosk).statusCode(200).body("isClaimed", equalTo(true));

        DeviceResponse approved = answer(route, phone, kiosk.challengeId(), true);
        assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
        assertThat(approved.json().get("isVerified").asBoolean()).isTrue();
        String token = QrChallengeTest.poll(kiosk).statusCode(200).body("isVerified", equalTo(true))
                .extract().path("accessToken");
        QrChallengeTest.validate(token).body("isValid", equalTo(true)).body("userId", equalTo(userId));

        // Replayed answer and second claim refused alike on both routes.
        assertThat(answer(route, phone, kiosk.challengeId(), true).status()).isEqualTo(409);
        assertThat(claim(route, phone, kiosk.challengeId()).status()).isEqualTo(409);
    }

    @ParameterizedTest
    @MethodSource("routesAndProfiles")
    void rejectionDeclinesTheKiosk(Route route, DeviceProfile profile) {
        SimulatedDevice phone = QrChallengeTest.device(profile);
        enrol(user(), phone, CredentialKind.QR_CODE);
        Kiosk kiosk = QrChallengeTest.create();
        assertThat(claim(route, phone, kiosk.challengeId()).status()).isEqualTo(200);

        DeviceResponse rejected = answer(route, phone, kiosk.challengeId(), false);

        assertThat(rejected.status()).as(rejected.toString()).isEqualTo(200);
        assertThat(rejected.json().get("isVerified").asBoolean()).isFalse();
        QrChallengeTest.poll(kiosk).statusCode(200).body("isConsumed", equalTo(true))
                .body("isVerified", equalTo(false));
    }

    @ParameterizedTest
    @MethodSource("routesAndProfiles")
    void unknownKeyOrBadSignatureClaimsNothing(Route route, DeviceProfile profile) {
        SimulatedDevice phone = QrChallengeTest.device(profile);
        enrol(user(), phone, CredentialKind.QR_CODE);
        Kiosk kiosk = QrChallengeTest.create();

        DeviceResponse unknown = claim(route, QrChallengeTest.device(profile), kiosk.challengeId());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.text("errorCode")).isEqualTo("invalid_credential");
        DeviceResponse forged = phone.post(route.path + "/claim", phone.basicAuthorization(), WireJson.object()
                .put("publicKey", phone.publicKey(CredentialKind.QR_CODE)).put("challengeId", kiosk.challengeId())
                .put("signature", phone.sign(CredentialKind.QR_CODE, "something else")));
        assertThat(forged.status()).isEqualTo(401);
        QrChallengeTest.poll(kiosk).statusCode(200).body("isClaimed", equalTo(false));
    }

    @Test
    void legacyFetchAnswersTheDeviceCredentialWithNothingPending() {
        SimulatedDevice phone = QrChallengeTest.device(DeviceProfile.ANDROID_3_8);
        String credentialId = enrol(user(), phone, CredentialKind.QR_CODE);

        DeviceResponse fetched = phone.get("/client/user-authenticators/device/challenge?publicKey="
                + phone.publicKeyQueryValue(CredentialKind.QR_CODE), phone.basicAuthorization());

        assertThat(fetched.status()).as(fetched.toString()).isEqualTo(200);
        assertThat(fetched.text("userAuthenticatorId")).isEqualTo(credentialId);
        assertThat(fetched.json().has("challengeId")).isFalse();

        SimulatedDevice stranger = QrChallengeTest.device(DeviceProfile.IOS_2_7);
        DeviceResponse unknown = stranger.get("/client/user-authenticators/device/challenge?publicKey="
                + stranger.publicKeyQueryValue(CredentialKind.QR_CODE), stranger.basicAuthorization());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.text("errorCode")).isEqualTo("invalid_credential");
    }
}
