package dev.countersign.credential;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.token.Scopes;
import dev.countersign.testkit.TestTenants;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.device.WireJson;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * The legacy {@code device} credential calls (docs/protocol/wire.md#71-legacy-device-namespace) run the same cases as their modern twin
 * ({@code qr-code}), with both SDK profiles: one parameterised test per case, over both routes.
 */
@QuarkusTest
class LegacyDeviceRoutesTest extends CredentialTestSupport {

    static Stream<Arguments> routesAndProfiles() {
        return Stream.of("qr-code", "device").flatMap(route -> Stream.of(DeviceProfile.values())
                .map(profile -> Arguments.of(route, profile)));
    }

    private static SimulatedDevice device(DeviceProfile profile) {
        return SimulatedDevice.create(profile, "http://localhost:" + RestAssured.port + "/v1", TestTenants.TENANT_ID);
    }

    private static String path(String route) {
        return "/client/user-authenticators/" + route;
    }

    /** docs/protocol/wire.md#32-add-a-credential / docs/protocol/wire.md#71-legacy-device-namespace add, exactly as the profile's SDK sends it, to the given route. */
    private static DeviceResponse add(SimulatedDevice device, String route, String trackToken) {
        return device.post(path(route), "Bearer " + trackToken, WireJson.object()
                .put("publicKey", device.publicKey(CredentialKind.QR_CODE))
                .put("deviceName", device.profile().deviceName())
                .put("devicePlatform", device.profile().devicePlatform()));
    }

    private static DeviceResponse get(SimulatedDevice device, String route) {
        return device.get(path(route) + "?publicKey=" + device.publicKeyQueryValue(CredentialKind.QR_CODE),
                device.basicAuthorization());
    }

    private DeviceResponse remove(SimulatedDevice device, String route, long window) {
        return device.post(path(route) + "/remove", device.basicAuthorization(), WireJson.object()
                .put("publicKey", device.publicKey(CredentialKind.QR_CODE))
                .put("signature", device.sign(CredentialKind.QR_CODE, SimulatedDevice.timeMessage(window))));
    }

    @ParameterizedTest
    @MethodSource("routesAndProfiles")
    void addThenGetThenRemoveThenGetIsInvalidCredential(String route, DeviceProfile profile) {
        freezeMidWindow();
        String user = newUser();
        SimulatedDevice device = device(profile);

        DeviceResponse added = add(device, route, trackToken(user));
        assertThat(added.status()).as(added.body()).isEqualTo(200);
        String id = added.text("userAuthenticatorId");
        assertThat(added.text("userId")).isEqualTo(user);
        assertThat(added.text("verifiedAt")).isNotNull();

        DeviceResponse got = get(device, route);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.text("userAuthenticatorId")).isEqualTo(id);

        DeviceResponse removed = remove(device, route, window());
        assertThat(removed.status()).isEqualTo(200);
        assertThat(removed.text("removedAuthenticatorId")).isEqualTo(id);
        assertThat(get(device, route).status()).isEqualTo(404);
        assertThat(get(device, route).text("error")).isEqualTo("invalid_credential");
    }

    @ParameterizedTest
    @MethodSource("routesAndProfiles")
    void addAgainAnswersTheSameCredentialAndAnotherUsersKeyIsRefused(String route, DeviceProfile profile) {
        String user = newUser();
        SimulatedDevice device = device(profile);
        String id = add(device, route, trackToken(user)).text("userAuthenticatorId");

        assertThat(add(device, route, trackToken(user, Scopes.ADD_AUTHENTICATORS)).text("userAuthenticatorId"))
                .isEqualTo(id);
        DeviceResponse stolen = add(device, route, trackToken(newUser()));
        assertThat(stolen.status()).isEqualTo(400);
        assertThat(stolen.text("error")).isEqualTo("invalid_request");
        assertThat(count("select count(*) from credential where id = $1", UUID.fromString(id))).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("routesAndProfiles")
    void removeSignedOverAnOldWindowIsRefused(String route, DeviceProfile profile) {
        freezeMidWindow();
        SimulatedDevice device = device(profile);
        add(device, route, trackToken(newUser()));
        DeviceResponse refused = remove(device, route, window() - 5);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(get(device, route).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @MethodSource("routesAndProfiles")
    void addWithoutTokenOrGetWithoutTenantIsUnauthorized(String route, DeviceProfile profile) {
        SimulatedDevice device = device(profile);
        assertThat(device.post(path(route), null, WireJson.object()
                .put("publicKey", device.publicKey(CredentialKind.QR_CODE))).status()).isEqualTo(401);
        assertThat(device.get(path(route) + "?publicKey=" + device.publicKeyQueryValue(CredentialKind.QR_CODE), null)
                .status()).isEqualTo(401);
    }

    @Test
    void aLegacyDeviceCredentialIsTheQrCodeCredentialOfItsKey() {
        String user = newUser();
        SimulatedDevice device = device(DeviceProfile.ANDROID_3_8);
        String id = add(device, "device", trackToken(user)).text("userAuthenticatorId");

        assertThat(get(device, "qr-code").text("userAuthenticatorId")).isEqualTo(id);
        assertThat(count("select count(*) from credential where id = $1 and kind = 'qr-code'", UUID.fromString(id)))
                .isEqualTo(1);
        given().header("Authorization", TestTenants.serverAuthorization(TestTenants.SECRET_KEY))
                .when().get("/v1/users/" + user + "/authenticators")
                .then().statusCode(200)
                .body("[0].verificationMethod", org.hamcrest.Matchers.equalTo("DEVICE"))
                .body("[0].credentialType", org.hamcrest.Matchers.equalTo("qr-code"));
    }
}
