package dev.countersign.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The device against the protocol's golden data (docs/protocol/wire.md#appendix-a-test-vector) and, through a
 * recording loopback server, the exact requests each SDK profile puts on the wire.
 */
class SimulatedDeviceTest {

    private static final JsonNode VECTOR = ProtocolFixtures.ecdsaVector();
    private static final JsonNode EXAMPLES = ProtocolFixtures.wireExamples();
    private static final String TENANT = EXAMPLES.get("tenantId").asText();
    private static final String SPKI = VECTOR.get("publicKeySpkiB64").asText();

    private static RecordingServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = new RecordingServer();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static SimulatedDevice vectorDevice(DeviceProfile profile) {
        return SimulatedDevice.withPrivateKey(profile, server.baseUrl(), TENANT, VECTOR.get("privateKeyPkcs8B64").asText());
    }

    private static DevicePublicKey vectorKey() {
        return DevicePublicKey.fromSpkiBase64(SPKI).orElseThrow();
    }

    // --- golden values ------------------------------------------------------------------------

    @Test
    void fixturesAgreeWithEachOther() {
        assertThat(EXAMPLES.get("publicKeySpkiB64").asText()).isEqualTo(SPKI);
        assertThat(EXAMPLES.at("/publicKeyQuery/android").asText()).isEqualTo(VECTOR.get("publicKeyQueryParam_android").asText());
        assertThat(EXAMPLES.at("/publicKeyQuery/ios").asText()).isEqualTo(VECTOR.get("publicKeyQueryParam_ios").asText());
        assertThat(EXAMPLES.at("/basicAuthorization/android").asText()).isEqualTo(VECTOR.get("basicAuth_android").asText());
        assertThat(EXAMPLES.at("/basicAuthorization/ios").asText()).isEqualTo(VECTOR.get("basicAuth_ios").asText());
        assertThat(EXAMPLES.at("/basicAuthorization/browser").asText()).isEqualTo(VECTOR.get("basicAuth_browser").asText());
    }

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void deviceFromTheVectorsPrivateKeyHasTheVectorsPublicKeyForEveryFeature(DeviceProfile profile) {
        SimulatedDevice device = vectorDevice(profile);
        for (CredentialKind kind : CredentialKind.values()) {
            assertThat(device.publicKey(kind)).isEqualTo(SPKI);
        }
    }

    @Test
    void androidBasicHeaderAndPublicKeyQueryAreTheAppendixValues() {
        SimulatedDevice device = vectorDevice(DeviceProfile.ANDROID_3_8);
        assertThat(device.basicAuthorization()).isEqualTo("Basic dGVuYW50LTEyMzo=");
        assertThat(device.publicKeyQueryValue(CredentialKind.PUSH)).isEqualTo(EXAMPLES.at("/publicKeyQuery/android").asText())
                .endsWith("==").matches("[A-Za-z0-9]+==");
    }

    @Test
    void iosBasicHeaderAndPublicKeyQueryAreTheAppendixValues() {
        SimulatedDevice device = vectorDevice(DeviceProfile.IOS_2_7);
        assertThat(device.basicAuthorization()).isEqualTo("Basic dGVuYW50LTEyMzo");
        assertThat(device.publicKeyQueryValue(CredentialKind.PUSH)).isEqualTo(EXAMPLES.at("/publicKeyQuery/ios").asText())
                .matches("[A-Za-z0-9]+");
    }

    @Test
    void timeMessageForTheAppendixInstantIsTheWindowWithTrailingPointZero() {
        Instant t = Instant.ofEpochSecond(EXAMPLES.at("/timeMessage/epochSeconds").asLong());
        assertThat(SimulatedDevice.timeWindow(t)).isEqualTo(2940774L);
        assertThat(SimulatedDevice.timeMessage(t)).isEqualTo("2940774.0").isEqualTo(EXAMPLES.at("/timeMessage/message").asText());
        assertThat(SimulatedDevice.timeMessage(t.plusSeconds(599))).isEqualTo("2940774.0");
        assertThat(SimulatedDevice.timeMessage(t.minusSeconds(1))).isEqualTo("2940773.0");
    }

    // --- signatures ---------------------------------------------------------------------------

    @Test
    void vectorDeviceSignaturesVerifyWithCommonsDevicePublicKey() {
        SimulatedDevice device = vectorDevice(DeviceProfile.ANDROID_3_8);
        String challengeId = VECTOR.get("challengeId").asText();
        String signature = device.sign(CredentialKind.PUSH, challengeId);
        assertThat(vectorKey().verifies(challengeId, signature)).isTrue();
        assertThat(vectorKey().verifies(challengeId.replace('3', '4'), signature)).isFalse();
        String timeSignature = device.sign(CredentialKind.IN_APP, "2940774.0");
        assertThat(vectorKey().verifies("2940774.0", timeSignature)).isTrue();
        assertThat(vectorKey().verifies("2940774", timeSignature)).isFalse();
    }

    @Test
    void signaturesAreStandardBase64OfDer() {
        String signature = vectorDevice(DeviceProfile.IOS_2_7).sign(CredentialKind.QR_CODE, "x");
        byte[] der = java.util.Base64.getDecoder().decode(signature);
        assertThat(der[0]).isEqualTo((byte) 0x30); // ASN.1 SEQUENCE{r, s}
        assertThat(der.length).isBetween(8, 72);
        assertThat(signature).doesNotContain("-", "_");
    }

    @Test
    void theVectorsGivenSignaturesVerifyAndFailAgainstTheIntegerForm() {
        DevicePublicKey key = vectorKey();
        assertThat(key.verifies(VECTOR.get("challengeId").asText(), VECTOR.get("signatureOverChallengeId").asText())).isTrue();
        assertThat(key.verifies("2940774.0", VECTOR.get("signatureOverTimeMessage").asText())).isTrue();
        assertThat(key.verifies("2940774", VECTOR.get("signatureOverTimeMessage").asText())).isFalse();
    }

    @Test
    void freshDeviceHasOneDistinctP256KeyPerFeatureAndItsSignaturesVerify() {
        SimulatedDevice device = SimulatedDevice.create(DeviceProfile.ANDROID_3_8, server.baseUrl(), TENANT);
        Set<String> keys = Arrays.stream(CredentialKind.values()).map(device::publicKey).collect(Collectors.toSet());
        assertThat(keys).hasSize(3);
        for (CredentialKind kind : CredentialKind.values()) {
            DevicePublicKey key = DevicePublicKey.fromSpkiBase64(device.publicKey(kind)).orElseThrow();
            assertThat(key.spkiBase64()).isEqualTo(device.publicKey(kind)).startsWith("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE");
            assertThat(key.verifies("msg", device.sign(kind, "msg"))).isTrue();
            // Another feature's key must not verify: the server sees three unrelated keys.
            CredentialKind other = CredentialKind.values()[(kind.ordinal() + 1) % 3];
            assertThat(key.verifies("msg", device.sign(other, "msg"))).isFalse();
        }
    }

    @Test
    void privateKeyThatIsNotPkcs8IsRefused() {
        assertThatThrownBy(() -> DeviceKey.fromPkcs8("AAAA")).isInstanceOf(IllegalArgumentException.class);
    }

    // --- the wire, as the server reads it ------------------------------------------------------

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void getCredentialSendsTheProfilesHeaderAndQueryValueRawAsTheServerReadsThem(DeviceProfile profile) {
        SimulatedDevice device = vectorDevice(profile);
        DeviceResponse response = device.getCredential(CredentialKind.QR_CODE);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("ok").asBoolean()).isTrue();
        RecordingServer.Received got = server.last();
        assertThat(got.method()).isEqualTo("GET");
        assertThat(got.rawPath()).isEqualTo("/v1/client/user-authenticators/qr-code");
        String key = profile == DeviceProfile.ANDROID_3_8 ? "android" : "ios";
        assertThat(got.rawQuery()).isEqualTo("publicKey=" + EXAMPLES.at("/publicKeyQuery/" + key).asText());
        assertThat(got.header("Authorization")).isEqualTo(EXAMPLES.at("/basicAuthorization/" + key).asText());
        assertThat(got.header("User-Agent")).isEqualTo(profile.userAgent());
        assertThat(got.header("Content-Type")).isNull();
        assertThat(DevicePublicKey.fromQueryParameter(got.rawQuery().substring("publicKey=".length())).orElseThrow().spkiBase64())
                .isEqualTo(SPKI);
    }

    @Test
    void androidUserAgentIsTheSdksFormat() {
        assertThat(DeviceProfile.ANDROID_3_8.userAgent())
                .isEqualTo("Mozilla/5.0 (Linux; Android 14; Google Pixel 8) AuthsignalAndroidSDK/3.8.0");
    }

    @Test
    void androidAddCredentialIsPrettyPrintedWithBearerToken() {
        vectorDevice(DeviceProfile.ANDROID_3_8).addCredential(CredentialKind.PUSH, "eyJtoken");
        RecordingServer.Received got = server.last();
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.rawPath()).isEqualTo("/v1/client/user-authenticators/push");
        assertThat(got.header("Authorization")).isEqualTo("Bearer eyJtoken");
        assertThat(got.header("Content-Type")).isEqualTo("application/json");
        assertThat(got.body()).isEqualTo("{\n"
                + "    \"publicKey\": \"" + SPKI + "\",\n"
                + "    \"deviceName\": \"Google Pixel 8\",\n"
                + "    \"devicePlatform\": \"android\"\n"
                + "}");
    }

    @Test
    void iosAddCredentialIsCompactWithEscapedSlashes() {
        vectorDevice(DeviceProfile.IOS_2_7).addCredential(CredentialKind.IN_APP, "eyJtoken");
        RecordingServer.Received got = server.last();
        assertThat(got.rawPath()).isEqualTo("/v1/client/user-authenticators/in-app");
        assertThat(got.header("Authorization")).isEqualTo("Bearer eyJtoken");
        assertThat(got.body()).isEqualTo("{\"publicKey\":\"" + SPKI.replace("/", "\\/") + "\","
                + "\"deviceName\":\"iPhone\",\"devicePlatform\":\"ios\"}");
        assertThat(readJson(got.body()).get("publicKey").asText()).isEqualTo(SPKI);
    }

    @Test
    void androidUpdateChallengeAlwaysCarriesVerificationCodeNull() {
        String challengeId = VECTOR.get("challengeId").asText();
        vectorDevice(DeviceProfile.ANDROID_3_8).updateChallenge(CredentialKind.PUSH, challengeId, true, null);
        RecordingServer.Received got = server.last();
        assertThat(got.rawPath()).isEqualTo("/v1/client/user-authenticators/push/challenge");
        assertThat(got.header("Authorization")).isEqualTo("Basic dGVuYW50LTEyMzo=");
        String signature = readJson(got.body()).get("signature").asText();
        assertThat(vectorKey().verifies(challengeId, signature)).isTrue();
        assertThat(got.body()).isEqualTo("{\n"
                + "    \"publicKey\": \"" + SPKI + "\",\n"
                + "    \"challengeId\": \"" + challengeId + "\",\n"
                + "    \"signature\": \"" + signature + "\",\n"
                + "    \"approved\": true,\n"
                + "    \"verificationCode\": null\n"
                + "}");
    }

    @Test
    void iosUpdateChallengeOmitsAnAbsentVerificationCode() {
        String challengeId = VECTOR.get("challengeId").asText();
        vectorDevice(DeviceProfile.IOS_2_7).updateChallenge(CredentialKind.QR_CODE, challengeId, false, null);
        RecordingServer.Received got = server.last();
        assertThat(got.rawPath()).isEqualTo("/v1/client/user-authenticators/qr-code/challenge");
        assertThat(got.header("Authorization")).isEqualTo("Basic dGVuYW50LTEyMzo");
        String signature = readJson(got.body()).get("signature").asText();
        assertThat(vectorKey().verifies(challengeId, signature)).isTrue();
        assertThat(got.body()).isEqualTo("{\"challengeId\":\"" + challengeId + "\",\"publicKey\":\"" + SPKI.replace("/", "\\/")
                + "\",\"approved\":false,\"signature\":\"" + signature.replace("/", "\\/") + "\"}");
    }

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void updateChallengeSendsAGivenVerificationCode(DeviceProfile profile) {
        vectorDevice(profile).updateChallenge(CredentialKind.PUSH, "ch-1", true, "042");
        assertThat(readJson(server.last().body()).get("verificationCode").asText()).isEqualTo("042");
    }

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void removeCredentialSignsTheTimeWindowOfNow(DeviceProfile profile) {
        Instant t = Instant.ofEpochSecond(1764464400L + 42);
        vectorDevice(profile).removeCredential(CredentialKind.PUSH, t);
        RecordingServer.Received got = server.last();
        assertThat(got.rawPath()).isEqualTo("/v1/client/user-authenticators/push/remove");
        JsonNode body = readJson(got.body());
        assertThat(body.get("publicKey").asText()).isEqualTo(SPKI);
        assertThat(vectorKey().verifies("2940774.0", body.get("signature").asText())).isTrue();
        assertThat(body.size()).isEqualTo(2);
    }

    @Test
    void removeCredentialVariantsSignWhatTheyAreGiven() {
        SimulatedDevice device = vectorDevice(DeviceProfile.ANDROID_3_8);
        device.removeCredential(CredentialKind.IN_APP, 2940772L);
        assertThat(vectorKey().verifies("2940772.0", readJson(server.last().body()).get("signature").asText())).isTrue();
        device.removeCredentialSigning(CredentialKind.IN_APP, "2940774");
        assertThat(vectorKey().verifies("2940774", readJson(server.last().body()).get("signature").asText())).isTrue();
        device.removeCredentialWithSignature(CredentialKind.IN_APP, "bm90LWRlcg==");
        assertThat(readJson(server.last().body()).get("signature").asText()).isEqualTo("bm90LWRlcg==");
    }

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void pushChallengeFetchUsesThePushKeyInTheQuery(DeviceProfile profile) {
        SimulatedDevice device = SimulatedDevice.create(profile, server.baseUrl(), TENANT);
        device.getPushChallenge();
        RecordingServer.Received got = server.last();
        assertThat(got.method()).isEqualTo("GET");
        assertThat(got.rawPath()).isEqualTo("/v1/client/user-authenticators/push/challenge");
        assertThat(got.rawQuery()).isEqualTo("publicKey=" + device.publicKeyQueryValue(CredentialKind.PUSH));
        assertThat(DevicePublicKey.fromQueryParameter(device.publicKeyQueryValue(CredentialKind.PUSH)).orElseThrow().spkiBase64())
                .isEqualTo(device.publicKey(CredentialKind.PUSH));
    }

    @Test
    void claimUsesTheQrKeyAndEachSdksFieldOrder() {
        SimulatedDevice android = SimulatedDevice.create(DeviceProfile.ANDROID_3_8, server.baseUrl(), TENANT);
        android.claimQrChallenge("qr-ch-1");
        RecordingServer.Received got = server.last();
        assertThat(got.rawPath()).isEqualTo("/v1/client/user-authenticators/qr-code/challenge/claim");
        JsonNode body = readJson(got.body());
        assertThat(fieldNames(body)).containsExactly("publicKey", "challengeId", "signature");
        assertThat(body.get("publicKey").asText()).isEqualTo(android.publicKey(CredentialKind.QR_CODE));
        assertThat(DevicePublicKey.fromSpkiBase64(android.publicKey(CredentialKind.QR_CODE)).orElseThrow()
                .verifies("qr-ch-1", body.get("signature").asText())).isTrue();

        android.as(DeviceProfile.IOS_2_7).claimQrChallenge("qr-ch-1");
        assertThat(fieldNames(readJson(server.last().body()))).containsExactly("challengeId", "publicKey", "signature");
    }

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void inAppChallengeSendsTheActionOrAnEmptyObjectWithBasicAuth(DeviceProfile profile) {
        SimulatedDevice device = vectorDevice(profile);
        device.createInAppChallenge("signIn");
        assertThat(server.last().rawPath()).isEqualTo("/v1/client/challenge");
        assertThat(server.last().header("Authorization")).isEqualTo(device.basicAuthorization());
        assertThat(readJson(server.last().body()).get("action").asText()).isEqualTo("signIn");
        device.createInAppChallenge(null);
        assertThat(server.last().body()).isEqualTo("{}");
    }

    @Test
    void inAppVerifySignsTheChallengeIdWithTheInAppKeyUnderBasicOrBearer() {
        SimulatedDevice device = SimulatedDevice.create(DeviceProfile.ANDROID_3_8, server.baseUrl(), TENANT);
        DevicePublicKey inApp = DevicePublicKey.fromSpkiBase64(device.publicKey(CredentialKind.IN_APP)).orElseThrow();

        device.verifyInApp("ia-1");
        RecordingServer.Received got = server.last();
        assertThat(got.rawPath()).isEqualTo("/v1/client/verify/in-app");
        assertThat(got.header("Authorization")).isEqualTo(device.basicAuthorization());
        JsonNode body = readJson(got.body());
        assertThat(fieldNames(body)).containsExactly("challengeId", "publicKey", "signature");
        assertThat(inApp.verifies("ia-1", body.get("signature").asText())).isTrue();

        device.verifyInAppWithToken("ia-2", "eyJtoken");
        assertThat(server.last().header("Authorization")).isEqualTo("Bearer eyJtoken");
    }

    @Test
    void responseCarriesTheRequestAsSent() {
        DeviceResponse response = vectorDevice(DeviceProfile.IOS_2_7).getCredential(CredentialKind.PUSH);
        assertThat(response.request().method()).isEqualTo("GET");
        assertThat(response.request().uri().toString())
                .isEqualTo(server.baseUrl() + "/client/user-authenticators/push?publicKey=" + EXAMPLES.at("/publicKeyQuery/ios").asText());
        assertThat(response.request().header("authorization")).isEqualTo("Basic dGVuYW50LTEyMzo");
        assertThat(response.request().body()).isNull();
        assertThat(response.isSuccess()).isTrue();
    }

    private static JsonNode readJson(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw new AssertionError("Not JSON: " + text, e);
        }
    }

    private static java.util.List<String> fieldNames(JsonNode node) {
        java.util.List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The load benchmark sends the built requests with its own client: they must be what the device sends. */
    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void builtRequestsAreWhatTheDeviceSendsSignaturesAside(DeviceProfile profile) {
        SimulatedDevice device = vectorDevice(profile);
        String challengeId = VECTOR.get("challengeId").asText();
        assertSentAsBuilt(device.getPushChallengeRequest(), device::getPushChallenge, null);
        assertSentAsBuilt(device.updateChallengeRequest(CredentialKind.PUSH, challengeId, true, null),
                () -> device.updateChallenge(CredentialKind.PUSH, challengeId, true, null), challengeId);
        assertSentAsBuilt(device.claimQrChallengeRequest(challengeId), () -> device.claimQrChallenge(challengeId), challengeId);
        assertSentAsBuilt(device.createInAppChallengeRequest("transfer"), () -> device.createInAppChallenge("transfer"), null);
        assertSentAsBuilt(device.verifyInAppRequest(challengeId), () -> device.verifyInApp(challengeId), challengeId);
    }

    /** ECDSA signatures are randomised: each must verify, and the bodies agree with the signature blanked. */
    private void assertSentAsBuilt(DeviceRequest built, java.util.function.Supplier<DeviceResponse> send, String signed) {
        DeviceRequest sent = send.get().request();
        RecordingServer.Received got = server.last();
        assertThat(built.method()).isEqualTo(sent.method()).isEqualTo(got.method());
        assertThat(built.uri()).isEqualTo(sent.uri());
        assertThat(built.headers()).isEqualTo(sent.headers());
        assertThat(got.header("Authorization")).isEqualTo(built.header("Authorization"));
        assertThat(got.header("User-Agent")).isEqualTo(built.header("User-Agent"));
        if (signed == null) {
            assertThat(built.body() == null ? "" : built.body()).isEqualTo(got.body()); // a GET has no body
            return;
        }
        String builtSignature = readJson(built.body()).get("signature").asText();
        String sentSignature = readJson(got.body()).get("signature").asText();
        assertThat(vectorKey().verifies(signed, builtSignature)).isTrue();
        assertThat(built.body().replace(builtSignature.replace("/", "\\/"), "SIG").replace(builtSignature, "SIG"))
                .isEqualTo(got.body().replace(sentSignature.replace("/", "\\/"), "SIG").replace(sentSignature, "SIG"));
    }
}
