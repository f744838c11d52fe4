package dev.countersign.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.local.launcher.CountersignStack;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.device.WireJson;

/**
 * The newer SDKs' credential calls and the legacy device routes through the edge on the real
 * servers: {@code POST …/push/sign} + signed {@code PATCH …/push} reach credential-service,
 * the resulting {@code credential.updated} reaches challenge-service's key replica without
 * disturbing it (the renewed credential still answers a push challenge), and the legacy
 * {@code /device} credential calls work as their {@code /qr-code} twins.
 */
@ExtendWith(RunningStack.class)
class PushCredentialUpdateE2ETest {

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void signedUpdateThenTheRenewedCredentialStillAnswersAPushChallenge(DeviceProfile profile, CountersignStack stack) {
        ServerApi server = new ServerApi(stack.baseUrl(), stack.secretKey());
        String user = "user-" + UUID.randomUUID();
        SimulatedDevice device = SimulatedDevice.create(profile, stack.baseUrl(), stack.tenantId());
        DeviceResponse added = device.addCredential(CredentialKind.PUSH,
                server.track(user, "enrol", "{\"scope\":\"add:authenticators\"}").text("token"));
        assertThat(added.status()).as("%s", added).isEqualTo(200);

        DeviceResponse updated = device.updatePushCredential("fcm-token-" + UUID.randomUUID(), true);
        assertThat(updated.status()).as("%s", updated).isEqualTo(200);
        assertThat(updated.text("userAuthenticatorId")).isEqualTo(added.text("userAuthenticatorId"));
        assertThat(updated.text("pushToken")).startsWith("fcm-token-");
        assertThat(Instant.parse(updated.text("lastVerifiedAt"))).isAfter(Instant.now().minusSeconds(60));

        // The same message again is refused: single use, also through the edge.
        DeviceResponse sign = device.signPushUpdate();
        String signature = device.sign(CredentialKind.PUSH, sign.text("message"));
        assertThat(device.updatePushCredentialWithSignature(sign.text("challengeId"), signature, null, false).status())
                .isEqualTo(200);
        assertThat(device.updatePushCredentialWithSignature(sign.text("challengeId"), signature, null, false).status())
                .isEqualTo(401);

        // credential.updated (version 3 by now) must leave the key usable at challenge-service.
        await().atMost(Duration.ofSeconds(20)).until(
                () -> server.track(user, "probe", "{}").json().path("isEnrolled").asBoolean(false));
        BrowserClient browser = new BrowserClient(stack.baseUrl(), server.track(user, "signIn", "{}").text("token"));
        BrowserClient.Answer started = browser.challengePush("signIn");
        assertThat(started.status()).as("%s", started).isEqualTo(200);
        String challengeId = started.text("challengeId");
        DeviceResponse fetched = device.getPushChallenge();
        assertThat(fetched.text("challengeId")).as("%s", fetched).isEqualTo(challengeId);
        DeviceResponse approved = device.updateChallenge(CredentialKind.PUSH, challengeId, true, null);
        assertThat(approved.status()).as("%s", approved).isEqualTo(200);
        assertThat(approved.json().path("isVerified").asBoolean(false)).isTrue();

        JsonNode listed = server.authenticators(user).json();
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("lastVerifiedAt").asText()).isNotBlank();
    }

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void legacyDeviceCredentialCallsWorkThroughTheEdgeLikeTheirQrCodeTwins(DeviceProfile profile,
            CountersignStack stack) {
        ServerApi server = new ServerApi(stack.baseUrl(), stack.secretKey());
        String user = "user-" + UUID.randomUUID();
        SimulatedDevice device = SimulatedDevice.create(profile, stack.baseUrl(), stack.tenantId());
        String path = "/client/user-authenticators/device";

        DeviceResponse added = device.post(path, "Bearer " + server.track(user, "enrol", "{}").text("token"),
                WireJson.object().put("publicKey", device.publicKey(CredentialKind.QR_CODE))
                        .put("deviceName", profile.deviceName()).put("devicePlatform", profile.devicePlatform()));
        assertThat(added.status()).as("%s", added).isEqualTo(200);
        String id = added.text("userAuthenticatorId");

        DeviceResponse got = device.get(path + "?publicKey=" + device.publicKeyQueryValue(CredentialKind.QR_CODE),
                device.basicAuthorization());
        assertThat(got.text("userAuthenticatorId")).as("%s", got).isEqualTo(id);
        assertThat(device.getCredential(CredentialKind.QR_CODE).text("userAuthenticatorId")).isEqualTo(id);
        assertThat(server.authenticators(user).json().get(0).path("verificationMethod").asText()).isEqualTo("DEVICE");

        DeviceResponse removed = device.post(path + "/remove", device.basicAuthorization(), WireJson.object()
                .put("publicKey", device.publicKey(CredentialKind.QR_CODE))
                .put("signature", device.sign(CredentialKind.QR_CODE, SimulatedDevice.timeMessage(Instant.now()))));
        assertThat(removed.text("removedAuthenticatorId")).as("%s", removed).isEqualTo(id);
        assertThat(device.getCredential(CredentialKind.QR_CODE).status()).isEqualTo(404);
    }
}
