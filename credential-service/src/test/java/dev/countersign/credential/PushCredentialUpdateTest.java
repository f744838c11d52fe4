package dev.countersign.credential;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.json.WireTime;
import dev.countersign.common.token.Scopes;
import dev.countersign.testkit.TestTenants;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * The newer SDKs' push credential lifecycle (docs/protocol/wire.md#72-additions-of-the-newer-sdks): {@code expiresAt} from the configured
 * lifetime (P90D in tests), {@code POST …/push/sign} + signed {@code PATCH …/push} for the push token
 * and {@code resetExpiry}, and an expired credential refused until renewed — both SDK profiles.
 */
@QuarkusTest
class PushCredentialUpdateTest extends CredentialTestSupport {

    private static final Duration LIFETIME = Duration.ofDays(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private SimulatedDevice enrolledDevice(DeviceProfile profile, String user) {
        SimulatedDevice device = SimulatedDevice.create(profile, "http://localhost:" + RestAssured.port + "/v1",
                TestTenants.TENANT_ID);
        assertThat(device.addCredential(CredentialKind.PUSH, trackToken(user, Scopes.ADD_AUTHENTICATORS)).status())
                .isEqualTo(200);
        return device;
    }

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void addAnswersExpiresAtOneLifetimeAfterEnrolment(DeviceProfile profile) {
        clock.freezeAt(Instant.parse("2026-11-30T01:02:03.456Z"));
        String user = newUser();
        SimulatedDevice device = enrolledDevice(profile, user);

        DeviceResponse got = device.getCredential(CredentialKind.PUSH);
        assertThat(got.text("verifiedAt")).isEqualTo("2026-11-30T01:02:03.456Z");
        assertThat(got.text("expiresAt")).isEqualTo(WireTime.format(Instant.parse("2026-11-30T01:02:03.456Z").plus(LIFETIME)));
    }

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void signedUpdateSetsPushTokenAndLastVerifiedAtAndPublishesUpdatedAtNextVersion(DeviceProfile profile) {
        Instant enrolled = Instant.parse("2026-11-30T01:00:00.000Z");
        clock.freezeAt(enrolled);
        String user = newUser();
        SimulatedDevice device = enrolledDevice(profile, user);
        Instant later = enrolled.plus(Duration.ofDays(3));
        clock.freezeAt(later);

        DeviceResponse sign = device.signPushUpdate();
        assertThat(sign.status()).isEqualTo(200);
        assertThat(sign.text("challengeId")).isNotBlank();
        assertThat(sign.text("message")).matches("[A-Za-z0-9_-]{43}");

        DeviceResponse updated = device.updatePushCredentialWithSignature(sign.text("challengeId"),
                device.sign(CredentialKind.PUSH, sign.text("message")), "apns-token-2", false);
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        String id = updated.text("userAuthenticatorId");
        assertThat(updated.text("userId")).isEqualTo(user);
        assertThat(updated.text("pushToken")).isEqualTo("apns-token-2");
        assertThat(updated.text("lastVerifiedAt")).isEqualTo(WireTime.format(later));
        // No resetExpiry: the deadline stays one lifetime after enrolment.
        assertThat(updated.text("expiresAt")).isEqualTo(WireTime.format(enrolled.plus(LIFETIME)));
        assertThat(updated.json().has("error")).isFalse();

        UUID credentialId = UUID.fromString(id);
        assertThat(count("select version from credential where id = $1", credentialId)).isEqualTo(2);
        assertThat(count("select count(*) from credential where id = $1 and push_token = 'apns-token-2'", credentialId))
                .isEqualTo(1);
        assertThat(device.getCredential(CredentialKind.PUSH).text("lastVerifiedAt")).isEqualTo(WireTime.format(later));
    }

    @Test
    void signingMessageIsSingleUse() {
        SimulatedDevice device = enrolledDevice(DeviceProfile.ANDROID_3_8, newUser());
        DeviceResponse sign = device.signPushUpdate();
        String signature = device.sign(CredentialKind.PUSH, sign.text("message"));
        assertThat(device.updatePushCredentialWithSignature(sign.text("challengeId"), signature, "t1", false).status())
                .isEqualTo(200);

        DeviceResponse replay = device.updatePushCredentialWithSignature(sign.text("challengeId"), signature, "t2", false);
        assertThat(replay.status()).isEqualTo(401);
        assertThat(replay.text("error")).isEqualTo("unauthorized");
    }

    @Test
    void wrongSignatureOrAnotherKeysMessageOrExpiredMessageIsRefusedAndChangesNothing() {
        String user = newUser();
        SimulatedDevice device = enrolledDevice(DeviceProfile.IOS_2_7, user);
        SimulatedDevice other = enrolledDevice(DeviceProfile.IOS_2_7, newUser());

        DeviceResponse sign = device.signPushUpdate();
        DeviceResponse wrong = device.updatePushCredentialWithSignature(sign.text("challengeId"),
                device.sign(CredentialKind.PUSH, "something else"), "t", false);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.text("errorCode")).isEqualTo("unauthorized");

        DeviceResponse othersMessage = other.signPushUpdate();
        DeviceResponse foreign = device.updatePushCredentialWithSignature(othersMessage.text("challengeId"),
                device.sign(CredentialKind.PUSH, othersMessage.text("message")), "t", false);
        assertThat(foreign.status()).isEqualTo(401);

        DeviceResponse late = device.signPushUpdate();
        clock.freezeAt(Instant.now().plus(Duration.ofMinutes(3)));
        DeviceResponse expired = device.updatePushCredentialWithSignature(late.text("challengeId"),
                device.sign(CredentialKind.PUSH, late.text("message")), "t", false);
        assertThat(expired.status()).isEqualTo(410);
        assertThat(expired.text("error")).isEqualTo("challenge_expired");

        DeviceResponse garbage = device.updatePushCredentialWithSignature("not-a-uuid", "c2ln", "t", false);
        assertThat(garbage.status()).isEqualTo(401);
        assertThat(count("select count(*) from credential where user_id = $1 and version = 1 and push_token is null",
                user)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void expiredCredentialIsRefusedUntilRenewedWithResetExpiry(DeviceProfile profile) {
        Instant enrolled = Instant.parse("2026-11-30T01:00:00.000Z");
        clock.freezeAt(enrolled);
        SimulatedDevice device = enrolledDevice(profile, newUser());
        String publicKey = device.publicKey(CredentialKind.PUSH);
        internal(publicKey).statusCode(200);

        Instant afterExpiry = enrolled.plus(LIFETIME).plusSeconds(1);
        clock.freezeAt(afterExpiry);
        // The verifier's read-through refuses it like a removed key; the device still sees it (and its expiry).
        internal(publicKey).statusCode(404).body("error", org.hamcrest.Matchers.equalTo("invalid_credential"));
        DeviceResponse got = device.getCredential(CredentialKind.PUSH);
        assertThat(got.status()).isEqualTo(200);
        assertThat(Instant.parse(got.text("expiresAt"))).isBefore(afterExpiry);

        DeviceResponse withoutReset = device.updatePushCredential("t", false);
        assertThat(withoutReset.status()).isEqualTo(404);
        assertThat(withoutReset.text("error")).isEqualTo("invalid_credential");

        DeviceResponse renewed = device.updatePushCredential(null, true);
        assertThat(renewed.status()).as(renewed.body()).isEqualTo(200);
        assertThat(renewed.text("expiresAt")).isEqualTo(WireTime.format(afterExpiry.plus(LIFETIME)));
        assertThat(renewed.json().has("pushToken")).isFalse();
        internal(publicKey).statusCode(200).body("expiresAt",
                org.hamcrest.Matchers.equalTo(WireTime.format(afterExpiry.plus(LIFETIME))));
        // The renewal reaches challenge-service's replica as credential.updated with the new deadline.
        JsonNode event = updatedEvent(renewed.text("userAuthenticatorId"));
        assertThat(event.get("version").asLong()).isEqualTo(2);
        assertThat(Instant.parse(event.get("expiresAt").asText())).isEqualTo(afterExpiry.plus(LIFETIME));
    }

    @Test
    void signAndPatchAreForPushOnlyAndNeedAnEnrolledKey() {
        TestDeviceKey key = TestDeviceKey.generate();
        given().header("Authorization", TENANT_BASIC).queryParam("publicKey", key.androidQuery())
                .when().post("/v1/client/user-authenticators/push/sign")
                .then().statusCode(404).body("error", org.hamcrest.Matchers.equalTo("invalid_credential"));
        enrol("qr-code", newUser(), key);
        given().header("Authorization", TENANT_BASIC).queryParam("publicKey", key.androidQuery())
                .when().post("/v1/client/user-authenticators/qr-code/sign")
                .then().statusCode(404).body("error", org.hamcrest.Matchers.equalTo("not_found"));
        given().header("Authorization", TENANT_BASIC).contentType("application/json").body("{}")
                .when().patch("/v1/client/user-authenticators/push")
                .then().statusCode(400).body("error", org.hamcrest.Matchers.equalTo("invalid_request"));
        given().contentType("application/json").body("{}")
                .when().patch("/v1/client/user-authenticators/push")
                .then().statusCode(401);
    }

    @Test
    void authsignalHeadersAreRecordedAsDeviceMetadataAndShownInServerApi() {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        given().header("Authorization", "Bearer " + trackToken(user))
                .header("X-Authsignal-SDK", "react-native").header("X-Authsignal-Version", "3.3.1")
                .header("X-Authsignal-Tenant-ID", TestTenants.TENANT_ID)
                .header("X-Authsignal-Native-SDK", "android").header("X-Authsignal-Native-Version", "4.3.0")
                .contentType("application/json").body(addBody(key))
                .when().post("/v1/client/user-authenticators/push").then().statusCode(200);

        given().header("Authorization", TestTenants.serverAuthorization(TestTenants.SECRET_KEY))
                .when().get("/v1/users/" + user + "/authenticators")
                .then().statusCode(200)
                .body("[0].deviceMetadata.sdk", org.hamcrest.Matchers.equalTo("react-native"))
                .body("[0].deviceMetadata.version", org.hamcrest.Matchers.equalTo("3.3.1"))
                .body("[0].deviceMetadata.tenantId", org.hamcrest.Matchers.equalTo(TestTenants.TENANT_ID))
                .body("[0].deviceMetadata.nativeSdk", org.hamcrest.Matchers.equalTo("android"))
                .body("[0].deviceMetadata.nativeVersion", org.hamcrest.Matchers.equalTo("4.3.0"))
                .body("[0].expiresAt", org.hamcrest.Matchers.notNullValue());
        assertThat(count("select count(*) from credential where user_id = $1"
                + " and device_metadata->>'nativeVersion' = '4.3.0'", user)).isEqualTo(1);
    }

    @Test
    void olderSdksWithoutHeadersStoreNoMetadata() {
        String user = newUser();
        enrol("push", user, TestDeviceKey.generate());
        assertThat(count("select count(*) from credential where user_id = $1 and device_metadata is null", user))
                .isEqualTo(1);
    }

    private static io.restassured.response.ValidatableResponse internal(String publicKey) {
        return given().header(dev.countersign.common.internal.InternalSecret.HEADER, TestTenants.INTERNAL_SECRET)
                .queryParam("tenantId", TestTenants.TENANT_ID).queryParam("publicKey", publicKey)
                .queryParam("kind", "push").when().get("/internal/v1/credentials").then();
    }

    /** The credential's {@code credential.updated} event as relayed to the real Kafka topic. */
    private static JsonNode updatedEvent(String credentialId) {
        var records = dev.countersign.testkit.EventTopics.read(
                org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class),
                "credential-events", credentialId, found -> found.stream().anyMatch(
                        r -> "dev.countersign.credential.updated".equals(dev.countersign.testkit.EventTopics.header(r, "ce_type"))),
                Duration.ofSeconds(30));
        try {
            for (var record : records) {
                if ("dev.countersign.credential.updated".equals(dev.countersign.testkit.EventTopics.header(record, "ce_type"))) {
                    return JSON.readTree(record.value());
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("No credential.updated event for " + credentialId);
    }
}
