package dev.countersign.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.local.launcher.CountersignStack;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.device.WireJson;

/**
 * In-app verification through the edge and the services (docs/protocol/wire.md#34-generic-challenge-and-attestation-nonce, docs/protocol/wire.md#38-in-app-verify): the app enrols its in-app
 * key, asks for a challenge, signs it, hands the token to its backend, which validates it — with
 * and without an action, for both SDK profiles, on the modern route and on the legacy
 * {@code /client/verify/device} (docs/protocol/wire.md#71-legacy-device-namespace) — there also as an older SDK runs it whole, with a credential
 * enrolled through the legacy {@code /client/user-authenticators/device}. Also the attestation nonce, and how soon a credential
 * deleted through the Server API can no longer answer its pending push challenge.
 */
@ExtendWith(RunningStack.class)
class InAppVerificationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private CountersignStack stack;
    private ServerApi server;

    @BeforeEach
    void connect(CountersignStack stack) {
        this.stack = stack;
        server = new ServerApi(stack.baseUrl(), stack.secretKey());
    }

    /** How the app enrolled its key: as an in-app credential, or through the legacy {@code device} route. */
    enum Enrolment {
        IN_APP(CredentialKind.IN_APP, "/client/user-authenticators/in-app"),
        /** The older SDKs' device credential: stored as a QR-code credential, answering with the QR key. */
        LEGACY_DEVICE(CredentialKind.QR_CODE, "/client/user-authenticators/device"),
        QR_CODE(CredentialKind.QR_CODE, "/client/user-authenticators/qr-code");

        final CredentialKind keyKind;
        final String path;

        Enrolment(CredentialKind keyKind, String path) {
            this.keyKind = keyKind;
            this.path = path;
        }
    }

    enum Route {
        IN_APP("/client/verify/in-app", Enrolment.IN_APP),
        DEVICE("/client/verify/device", Enrolment.IN_APP),
        LEGACY_DEVICE("/client/verify/device", Enrolment.LEGACY_DEVICE);

        final String path;
        final Enrolment enrolment;

        Route(String path, Enrolment enrolment) {
            this.path = path;
            this.enrolment = enrolment;
        }
    }

    static Stream<Arguments> routesAndProfiles() {
        return Stream.of(Route.values()).flatMap(route -> Stream.of(DeviceProfile.values())
                .map(profile -> Arguments.of(route, profile)));
    }

    private record Enrolled(String user, SimulatedDevice device, String credentialId) {
    }

    private Enrolled enrol(DeviceProfile profile, CredentialKind kind) {
        String user = "user-" + UUID.randomUUID();
        SimulatedDevice device = SimulatedDevice.create(profile, stack.baseUrl(), stack.tenantId());
        ServerApi.Answer tracked = server.track(user, "enrol", "{\"scope\":\"add:authenticators\"}");
        assertThat(tracked.status()).as("%s", tracked).isEqualTo(200);
        DeviceResponse added = device.addCredential(kind, tracked.text("token"));
        assertThat(added.status()).as("%s", added).isEqualTo(200);
        return new Enrolled(user, device, added.text("userAuthenticatorId"));
    }

    /** Enrols as {@code enrolment} says; the legacy route with the SDK's add body (docs/protocol/wire.md#32-add-a-credential) on its own path. */
    private Enrolled enrol(DeviceProfile profile, Enrolment enrolment) {
        if (enrolment != Enrolment.LEGACY_DEVICE) {
            return enrol(profile, enrolment.keyKind);
        }
        String user = "user-" + UUID.randomUUID();
        SimulatedDevice device = SimulatedDevice.create(profile, stack.baseUrl(), stack.tenantId());
        ServerApi.Answer tracked = server.track(user, "enrol", "{\"scope\":\"add:authenticators\"}");
        DeviceResponse added = device.post(enrolment.path, "Bearer " + tracked.text("token"), WireJson.object()
                .put("publicKey", device.publicKey(enrolment.keyKind))
                .put("deviceName", profile.deviceName())
                .put("devicePlatform", profile.devicePlatform()));
        assertThat(added.status()).as("%s", added).isEqualTo(200);
        assertThat(added.text("userId")).isEqualTo(user);
        return new Enrolled(user, device, added.text("userAuthenticatorId"));
    }

    /** The credential as the app reads it back, on the route it enrolled through. */
    private static DeviceResponse credential(Enrolment enrolment, SimulatedDevice device) {
        return device.get(enrolment.path + "?publicKey=" + device.publicKeyQueryValue(enrolment.keyKind),
                device.basicAuthorization());
    }

    private static String challenge(SimulatedDevice device, String action) {
        DeviceResponse created = device.createInAppChallenge(action);
        assertThat(created.status()).as("%s", created).isEqualTo(200);
        assertThat(created.json().has("error")).isFalse();
        return created.text("challengeId");
    }

    private static DeviceResponse verify(Route route, SimulatedDevice device, String challengeId) {
        CredentialKind key = route.enrolment.keyKind;
        return device.post(route.path, device.basicAuthorization(), WireJson.object()
                .put("challengeId", challengeId)
                .put("publicKey", device.publicKey(key))
                .put("signature", device.sign(key, challengeId)));
    }

    private ServerApi.Answer validate(String token, String action) {
        ServerApi.Answer answer = server.send("POST", "/validate", action == null
                ? "{\"token\":\"" + token + "\"}"
                : "{\"token\":\"" + token + "\",\"action\":\"" + action + "\"}");
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        return answer;
    }

    private static boolean valid(ServerApi.Answer answer) {
        return answer.json().path("isValid").asBoolean(false);
    }

    // --- in-app, with and without an action ------------------------------------------------------

    @ParameterizedTest
    @MethodSource("routesAndProfiles")
    void withActionTheTokenValidatesForThatActionOnlyAndLastVerifiedAtAppears(Route route, DeviceProfile profile) {
        Enrolled app = enrol(profile, route.enrolment);
        String challengeId = challenge(app.device(), "transfer");

        DeviceResponse verified = verify(route, app.device(), challengeId);

        assertThat(verified.status()).as("%s", verified).isEqualTo(200);
        assertThat(verified.text("userId")).isEqualTo(app.user());
        assertThat(verified.text("userAuthenticatorId")).isEqualTo(app.credentialId());
        String token = verified.text("token");
        ServerApi.Answer right = validate(token, "transfer");
        assertThat(valid(right)).as("%s", right).isTrue();
        assertThat(right.text("userId")).isEqualTo(app.user());
        assertThat(right.text("actionCode")).isEqualTo("transfer");
        assertThat(right.text("verificationMethod")).isEqualTo("DEVICE");
        assertThat(valid(validate(token, "signIn"))).as("another action").isFalse();

        DeviceResponse replay = verify(route, app.device(), challengeId);
        assertThat(replay.status()).as("%s", replay).isEqualTo(409);
        assertThat(replay.text("errorCode")).isEqualTo("challenge_already_answered");

        // credential-service learns of the verification from challenge-events.
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                credential(route.enrolment, app.device()).text("lastVerifiedAt")).isNotNull());
    }

    @ParameterizedTest
    @MethodSource("routesAndProfiles")
    void withoutActionTheFirstValidatedActionBindsTheToken(Route route, DeviceProfile profile) {
        Enrolled app = enrol(profile, route.enrolment);

        DeviceResponse verified = verify(route, app.device(), challenge(app.device(), null));

        assertThat(verified.status()).as("%s", verified).isEqualTo(200);
        String token = verified.text("token");
        ServerApi.Answer bound = validate(token, "signIn");
        assertThat(valid(bound)).as("%s", bound).isTrue();
        assertThat(bound.text("actionCode")).isEqualTo("signIn");
        assertThat(bound.text("userId")).isEqualTo(app.user());
        assertThat(valid(validate(token, "signIn"))).isTrue();
        assertThat(valid(validate(token, "transfer"))).as("bound to signIn now").isFalse();
    }

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void bearerTrackTokenWithoutActionGetsAnAttestationNonce(DeviceProfile profile) {
        SimulatedDevice device = SimulatedDevice.create(profile, stack.baseUrl(), stack.tenantId());
        ServerApi.Answer tracked = server.track("user-" + UUID.randomUUID(), "enrol", "{}");

        DeviceResponse nonce = device.post("/client/challenge", "Bearer " + tracked.text("token"), WireJson.object());

        assertThat(nonce.status()).as("%s", nonce).isEqualTo(200);
        assertThat(nonce.text("challengeId")).isNotBlank();
        // Play Integrity takes URL-safe base64 of 16 to 500 bytes.
        assertThat(nonce.text("nonce")).matches("[A-Za-z0-9_-]+");
        assertThat(Base64.getUrlDecoder().decode(nonce.text("nonce")).length).isBetween(16, 500);
    }

    // --- the legacy device challenge routes run the QR-code flow -----------------------------------

    /** The QR-code routes; the legacy one with a credential enrolled through the legacy route, as an older SDK does. */
    enum QrRoute {
        QR_CODE("/client/user-authenticators/qr-code/challenge", Enrolment.QR_CODE),
        DEVICE("/client/user-authenticators/device/challenge", Enrolment.LEGACY_DEVICE);

        final String path;
        final Enrolment enrolment;

        QrRoute(String path, Enrolment enrolment) {
            this.path = path;
            this.enrolment = enrolment;
        }
    }

    static Stream<Arguments> qrRoutesAndProfiles() {
        return Stream.of(QrRoute.values()).flatMap(route -> Stream.of(DeviceProfile.values())
                .map(profile -> Arguments.of(route, profile)));
    }

    private ServerApi.Answer kiosk(String path, String body) {
        String basic = "Basic " + Base64.getEncoder().encodeToString(stack.tenantId().getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
        return new ServerApi(stack.baseUrl(), "unused").sendAs(basic, "POST", path, body);
    }

    private static DeviceResponse qrCall(QrRoute route, SimulatedDevice device, String suffix, WireJson body) {
        return device.post(route.path + suffix, device.basicAuthorization(), body);
    }

    @ParameterizedTest
    @MethodSource("qrRoutesAndProfiles")
    void qrClaimAndApproveWorkTheSameOnTheLegacyDeviceRoute(QrRoute route, DeviceProfile profile) {
        Enrolled phone = enrol(profile, route.enrolment);
        ServerApi.Answer created = kiosk("/client/challenge/qr-code", "{\"action\":\"kioskLogin\"}");
        assertThat(created.status()).as("%s", created).isEqualTo(200);
        String challengeId = created.text("challengeId");
        String poll = "{\"challengeId\":\"" + challengeId + "\",\"deviceCode\":\"" + created.text("deviceCode") + "\"}";
        SimulatedDevice device = phone.device();
        WireJson signed = WireJson.object().put("publicKey", device.publicKey(CredentialKind.QR_CODE))
                .put("challengeId", challengeId).put("signature", device.sign(CredentialKind.QR_CODE, challengeId));

        DeviceResponse claimed = qrCall(route, device, "/claim", signed);
        assertThat(claimed.status()).as("%s", claimed).isEqualTo(200);
        assertThat(claimed.json().path("success").asBoolean(false)).isTrue();
        assertThat(kiosk("/client/verify/qr-code", poll).json().path("isClaimed").asBoolean(false)).isTrue();

        DeviceResponse approved = qrCall(route, device, "", WireJson.object()
                .put("publicKey", device.publicKey(CredentialKind.QR_CODE)).put("challengeId", challengeId)
                .put("signature", device.sign(CredentialKind.QR_CODE, challengeId)).put("approved", true));
        assertThat(approved.status()).as("%s", approved).isEqualTo(200);
        assertThat(approved.json().path("isVerified").asBoolean(false)).isTrue();
        ServerApi.Answer verified = kiosk("/client/verify/qr-code", poll);
        assertThat(verified.json().path("isVerified").asBoolean(false)).as("%s", verified).isTrue();
        ServerApi.Answer valid = validate(verified.text("accessToken"), "kioskLogin");
        assertThat(valid(valid)).as("%s", valid).isTrue();
        assertThat(valid.text("userId")).isEqualTo(phone.user());

        assertThat(qrCall(route, device, "/claim", signed).status()).as("second claim").isEqualTo(409);
        // credential-service learns of the approval from challenge.approved, on either route.
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                credential(route.enrolment, device).text("lastVerifiedAt")).isNotNull());
    }

    @ParameterizedTest
    @MethodSource("qrRoutesAndProfiles")
    void qrRejectAndRemovalWorkTheSameOnTheLegacyDeviceRoute(QrRoute route, DeviceProfile profile) {
        Enrolled phone = enrol(profile, route.enrolment);
        SimulatedDevice device = phone.device();
        ServerApi.Answer created = kiosk("/client/challenge/qr-code", "{\"action\":\"kioskLogin\"}");
        String challengeId = created.text("challengeId");
        String poll = "{\"challengeId\":\"" + challengeId + "\",\"deviceCode\":\"" + created.text("deviceCode") + "\"}";
        assertThat(qrCall(route, device, "/claim", qrSigned(device, challengeId)).status()).isEqualTo(200);

        DeviceResponse rejected = qrCall(route, device, "", qrSigned(device, challengeId).put("approved", false));
        assertThat(rejected.status()).as("%s", rejected).isEqualTo(200);
        assertThat(rejected.json().path("isVerified").asBoolean(true)).isFalse();
        ServerApi.Answer polled = kiosk("/client/verify/qr-code", poll);
        assertThat(polled.json().path("isConsumed").asBoolean(false)).as("%s", polled).isTrue();
        assertThat(polled.json().path("isVerified").asBoolean(true)).isFalse();
        assertThat(polled.json().has("accessToken")).isFalse();

        // Removed by the device on the route it enrolled through (signed over the time window, docs/protocol/wire.md#33-remove-a-credential).
        DeviceResponse removed = device.post(route.enrolment.path + "/remove", device.basicAuthorization(),
                WireJson.object().put("publicKey", device.publicKey(CredentialKind.QR_CODE))
                        .put("signature", device.sign(CredentialKind.QR_CODE, SimulatedDevice.timeMessage(Instant.now()))));
        assertThat(removed.status()).as("%s", removed).isEqualTo(200);
        assertThat(removed.text("removedAuthenticatorId")).isEqualTo(phone.credentialId());
        assertThat(credential(route.enrolment, device).status()).isEqualTo(404);
        String next = kiosk("/client/challenge/qr-code", "{\"action\":\"kioskLogin\"}").text("challengeId");
        // challenge-service learns of the removal from credential.removed.
        await().atMost(PATIENCE).untilAsserted(() -> {
            DeviceResponse refused = qrCall(route, device, "/claim", qrSigned(device, next));
            assertThat(refused.status()).as("%s", refused).isEqualTo(404);
            assertThat(refused.text("errorCode")).isEqualTo("invalid_credential");
        });
    }

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void legacyDeviceFetchAnswersItsCredentialWithNothingPending(DeviceProfile profile) {
        Enrolled phone = enrol(profile, Enrolment.LEGACY_DEVICE);
        SimulatedDevice device = phone.device();

        DeviceResponse fetched = device.get(QrRoute.DEVICE.path + "?publicKey="
                + device.publicKeyQueryValue(CredentialKind.QR_CODE), device.basicAuthorization());

        assertThat(fetched.status()).as("%s", fetched).isEqualTo(200);
        assertThat(fetched.text("userAuthenticatorId")).isEqualTo(phone.credentialId());
        assertThat(fetched.json().has("challengeId")).isFalse();
    }

    private static WireJson qrSigned(SimulatedDevice device, String challengeId) {
        return WireJson.object().put("publicKey", device.publicKey(CredentialKind.QR_CODE))
                .put("challengeId", challengeId).put("signature", device.sign(CredentialKind.QR_CODE, challengeId));
    }

    // --- revocation: bound of 2 s (p99) -----------------------------------------------------------

    @Test
    void deletedCredentialCannotAnswerItsPendingPushChallenge() {
        Enrolled phone = enrol(DeviceProfile.ANDROID_3_8, CredentialKind.PUSH);
        assertThat(phone.device().getPushChallenge().status()).isEqualTo(200); // known to the replica
        ServerApi.Answer tracked = server.track(phone.user(), "signIn", "{}");
        BrowserClient browser = new BrowserClient(stack.baseUrl(), tracked.text("token"));
        BrowserClient.Answer started = browser.challengePush("signIn");
        assertThat(started.status()).as("%s", started).isEqualTo(200);
        String challengeId = started.text("challengeId");
        assertThat(phone.device().getPushChallenge().text("challengeId")).isEqualTo(challengeId);

        long deleted = System.nanoTime();
        ServerApi.Answer removal = server.deleteAuthenticator(phone.user(), phone.credentialId());
        assertThat(removal.status()).as("%s", removal).isEqualTo(200);
        // The fetch looks the key up exactly as the answer does, without using the challenge up.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                .until(() -> phone.device().getPushChallenge().status() == 404);
        long millis = (System.nanoTime() - deleted) / 1_000_000;
        System.out.printf("Revocation: challenge-service refused the deleted credential %d ms after the "
                + "Server API delete answered (bound: 2 s p99, docs/architecture.md#revocation)%n", millis);

        DeviceResponse answer = phone.device().updateChallenge(CredentialKind.PUSH, challengeId, true, null);
        assertThat(answer.status()).as("%s", answer).isEqualTo(404);
        assertThat(answer.text("errorCode")).isEqualTo("invalid_credential");
        // A correctness limit, not a timing test: far above the bound, to catch a revocation that never arrives
        // through events and only "works" by some slow fallback.
        assertThat(millis).isLessThan(15_000);
    }
}
