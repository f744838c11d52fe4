package dev.countersign.credential;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.countersign.common.token.Scopes;
import dev.countersign.testkit.TestTenants;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
class ServerAuthenticatorResourceTest extends CredentialTestSupport {

    private static final String SERVER = TestTenants.serverAuthorization(TestTenants.SECRET_KEY);
    private static final String OTHER_SERVER = TestTenants.serverAuthorization(TestTenants.OTHER_SECRET_KEY);

    private static ValidatableResponse list(String authorization, String userId) {
        return given().header("Authorization", authorization)
                .when().get("/v1/users/" + userId + "/authenticators").then();
    }

    private static ValidatableResponse delete(String authorization, String userId, String id) {
        return given().header("Authorization", authorization)
                .when().delete("/v1/users/" + userId + "/authenticators/" + id).then();
    }

    @Test
    void listShowsTheUsersActiveCredentialsOldestFirst() {
        String user = newUser();
        String push = enrol("push", user, TestDeviceKey.generate());
        Map<String, Object> ios = addBody(TestDeviceKey.generate());
        ios.put("deviceName", "Alice's iPhone");
        ios.put("devicePlatform", "ios");
        String qr = add("qr-code", trackToken(user, Scopes.ADD_AUTHENTICATORS), ios).statusCode(200)
                .extract().path("userAuthenticatorId");
        TestDeviceKey removed = TestDeviceKey.generate();
        add("in-app", trackToken(user, Scopes.ADD_AUTHENTICATORS), Map.of("publicKey", removed.publicKey()))
                .statusCode(200);
        remove("in-app", removed, removed.signWindow(window())).statusCode(200);

        list(SERVER, user).statusCode(200).contentType(ContentType.JSON)
                .body("$", hasSize(2))
                .body("userAuthenticatorId", contains(push, qr))
                .body("[0].userId", equalTo(user))
                .body("[0].verificationMethod", equalTo("PUSH"))
                .body("[0].credentialType", equalTo("push"))
                .body("[0].devicePlatform", equalTo("ANDROID"))
                .body("[0].deviceName", equalTo("Google Pixel 8"))
                .body("[0].createdAt", matchesPattern("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z"))
                .body("[0].verifiedAt", matchesPattern("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z"))
                .body("[0].lastVerifiedAt", nullValue())
                .body("[1].verificationMethod", equalTo("DEVICE"))
                .body("[1].credentialType", equalTo("qr-code"))
                .body("[1].devicePlatform", equalTo("IOS"))
                .body("[1].deviceName", equalTo("Alice's iPhone"));
    }

    @Test
    void listOfUnknownUserIsEmpty() {
        list(SERVER, newUser()).statusCode(200).body("$", hasSize(0));
    }

    @Test
    void listWithAnotherTenantsSecretShowsNothing() {
        String user = newUser();
        enrol("push", user, TestDeviceKey.generate());

        list(OTHER_SERVER, user).statusCode(200).body("$", hasSize(0));
    }

    @Test
    void listWithoutOrWithWrongSecretThenUnauthorized() {
        String user = newUser();
        given().when().get("/v1/users/" + user + "/authenticators")
                .then().statusCode(401).body("error", equalTo("unauthorized"));
        list(TestTenants.serverAuthorization("sk_wrong"), user).statusCode(401).body("error", equalTo("unauthorized"));
        // The tenant id is not a secret: device Basic does not open the Server API.
        list(TENANT_BASIC, user).statusCode(401).body("error", equalTo("unauthorized"));
    }

    @Test
    void deleteRemovesTheCredentialAndBumpsItsVersion() {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        String id = enrol("push", user, key);

        delete(SERVER, user, id).statusCode(200).contentType(ContentType.JSON)
                .body("removedAuthenticatorId", equalTo(id)).body("error", nullValue());

        get("push", key.androidQuery()).statusCode(404).body("error", equalTo("invalid_credential"));
        list(SERVER, user).statusCode(200).body("$", hasSize(0));
        assertThat(count("select version from credential where id = $1 and removed_at is not null",
                UUID.fromString(id))).isEqualTo(2);
        delete(SERVER, user, id).statusCode(404).body("error", equalTo("not_found"));
    }

    @Test
    void deleteWithAnotherTenantsSecretThenNotFoundAndStillActive() {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        String id = enrol("push", user, key);

        delete(OTHER_SERVER, user, id).statusCode(404).body("error", equalTo("not_found"));

        get("push", key.androidQuery()).statusCode(200).body("userAuthenticatorId", equalTo(id));
    }

    @Test
    void deleteOfAnotherUsersCredentialThenNotFoundAndStillActive() {
        String owner = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        String id = enrol("push", owner, key);

        delete(SERVER, newUser(), id).statusCode(404).body("error", equalTo("not_found"));

        get("push", key.androidQuery()).statusCode(200).body("userAuthenticatorId", equalTo(id));
    }

    @Test
    void deleteOfUnknownOrMalformedIdThenNotFound() {
        String user = newUser();
        delete(SERVER, user, UUID.randomUUID().toString()).statusCode(404).body("error", equalTo("not_found"));
        delete(SERVER, user, "not-a-uuid").statusCode(404).body("error", equalTo("not_found"));
    }
}
