package dev.countersign.credential;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import org.junit.jupiter.api.Test;

import dev.countersign.common.internal.InternalSecret;
import dev.countersign.testkit.TestTenants;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
class InternalCredentialResourceTest extends CredentialTestSupport {

    private static ValidatableResponse lookup(String tenantId, String publicKey, String kind) {
        return internalGet("/internal/v1/credentials", "tenantId", tenantId, "publicKey", publicKey, "kind", kind);
    }

    /** A GET with these query parameters (name, value, …); a null value is left out. */
    private static ValidatableResponse internalGet(String path, String... parameters) {
        return internalGetWithSecret(TestTenants.INTERNAL_SECRET, path, parameters);
    }

    /** The same with this secret in the internal header (null: none). */
    private static ValidatableResponse internalGetWithSecret(String secret, String path, String... parameters) {
        var request = given();
        if (secret != null) {
            request.header(InternalSecret.HEADER, secret);
        }
        for (int i = 0; i < parameters.length; i += 2) {
            if (parameters[i + 1] != null) {
                request.queryParam(parameters[i], parameters[i + 1]);
            }
        }
        return request.when().get(path).then();
    }

    @Test
    void lookupWithoutOrWithAWrongSecretIsUnauthorizedAndAnswersNoCredential() {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        enrol("push", user, key);
        for (String secret : new String[] {null, "", TestTenants.INTERNAL_SECRET + "x",
            TestTenants.INTERNAL_SECRET.substring(1), TestTenants.SECRET_KEY}) {
            internalGetWithSecret(secret, "/internal/v1/credentials", "tenantId", TestTenants.TENANT_ID,
                    "publicKey", key.publicKey(), "kind", "push")
                    .statusCode(401).contentType("application/json")
                    .body("errorCode", equalTo("unauthorized"))
                    .body("credentialId", org.hamcrest.Matchers.nullValue());
            internalGetWithSecret(secret, "/internal/v1/user-credentials", "tenantId", TestTenants.TENANT_ID, "userId", user)
                    .statusCode(401).body("errorCode", equalTo("unauthorized"))
                    .body("credentials", org.hamcrest.Matchers.nullValue());
        }
        lookup(TestTenants.TENANT_ID, key.publicKey(), "push").statusCode(200).body("userId", equalTo(user));
    }

    @Test
    void lookupOfActiveCredentialAnswersWhatAVerifierNeeds() {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        String id = enrol("qr-code", user, key);

        lookup(TestTenants.TENANT_ID, key.publicKey(), "qr-code").statusCode(200)
                .body("credentialId", equalTo(id))
                .body("tenantId", equalTo(TestTenants.TENANT_ID))
                .body("userId", equalTo(user))
                .body("kind", equalTo("qr-code"))
                .body("publicKey", equalTo(key.publicKey()))
                .body("version", equalTo(1));
    }

    @Test
    void lookupOfPushCredentialCarriesItsPlatformAndPushToken() {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        var body = addBody(key);
        body.put("pushToken", "fcm-token-" + user);
        String id = add("push", trackToken(user, dev.countersign.common.token.Scopes.ADD_AUTHENTICATORS), body)
                .statusCode(200).extract().path("userAuthenticatorId");

        lookup(TestTenants.TENANT_ID, key.publicKey(), "push").statusCode(200)
                .body("credentialId", equalTo(id))
                .body("devicePlatform", equalTo("android"))
                .body("pushToken", equalTo("fcm-token-" + user));
    }

    @Test
    void lookupOfCredentialWithoutPushTokenOmitsIt() {
        TestDeviceKey key = TestDeviceKey.generate();
        enrol("qr-code", newUser(), key);

        lookup(TestTenants.TENANT_ID, key.publicKey(), "qr-code").statusCode(200)
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("pushToken")));
    }

    @Test
    void lookupOfRemovedUnknownOrOtherTenantsOrOtherKindThenInvalidCredential() {
        TestDeviceKey key = TestDeviceKey.generate();
        enrol("push", newUser(), key);

        lookup(TestTenants.OTHER_TENANT_ID, key.publicKey(), "push").statusCode(404)
                .body("error", equalTo("invalid_credential"));
        lookup(TestTenants.TENANT_ID, key.publicKey(), "in-app").statusCode(404)
                .body("error", equalTo("invalid_credential"));
        lookup(TestTenants.TENANT_ID, TestDeviceKey.generate().publicKey(), "push").statusCode(404)
                .body("error", equalTo("invalid_credential"));

        remove("push", key, key.signWindow(window())).statusCode(200);
        lookup(TestTenants.TENANT_ID, key.publicKey(), "push").statusCode(404)
                .body("error", equalTo("invalid_credential"));
    }

    @Test
    void lookupWithMissingOrMalformedParametersThenInvalidRequest() {
        String key = TestDeviceKey.generate().publicKey();
        lookup(null, key, "push").statusCode(400).body("error", equalTo("invalid_request"));
        lookup(TestTenants.TENANT_ID, null, "push").statusCode(400).body("error", equalTo("invalid_request"));
        lookup(TestTenants.TENANT_ID, key, null).statusCode(400).body("error", equalTo("invalid_request"));
        lookup(TestTenants.TENANT_ID, key, "sms").statusCode(400).body("error", equalTo("invalid_request"));
        lookup(TestTenants.TENANT_ID, "%%%", "push").statusCode(400).body("error", equalTo("invalid_request"));
    }

    private static ValidatableResponse listOfUser(String tenantId, String userId) {
        return internalGet("/internal/v1/user-credentials", "tenantId", tenantId, "userId", userId);
    }

    @Test
    void listOfUserAnswersEachActiveCredentialWithItsVersionAndPushAddress() {
        String user = newUser() + "/with slash";
        TestDeviceKey pushKey = TestDeviceKey.generate();
        var body = addBody(pushKey);
        body.put("pushToken", "fcm-token-" + user);
        String pushId = add("push", trackToken(user, dev.countersign.common.token.Scopes.ADD_AUTHENTICATORS), body)
                .statusCode(200).extract().path("userAuthenticatorId");
        TestDeviceKey qrKey = TestDeviceKey.generate();
        String qrId = enrol("qr-code", user, qrKey);

        listOfUser(TestTenants.TENANT_ID, user).statusCode(200)
                .body("credentials.credentialId", org.hamcrest.Matchers.containsInAnyOrder(pushId, qrId))
                .body("credentials.find { it.kind == 'push' }.publicKey", equalTo(pushKey.publicKey()))
                .body("credentials.find { it.kind == 'push' }.userId", equalTo(user))
                .body("credentials.find { it.kind == 'push' }.version", equalTo(1))
                .body("credentials.find { it.kind == 'push' }.devicePlatform", equalTo("android"))
                .body("credentials.find { it.kind == 'push' }.pushToken", equalTo("fcm-token-" + user))
                .body("credentials.find { it.kind == 'qr-code' }.publicKey", equalTo(qrKey.publicKey()));
    }

    @Test
    void listOfUserLeavesOutRemovedCredentialsAndOtherTenantsUsers() {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        enrol("push", user, key);
        listOfUser(TestTenants.OTHER_TENANT_ID, user).statusCode(200).body("credentials", hasSize(0));
        listOfUser("not a tenant", user).statusCode(200).body("credentials", hasSize(0));

        remove("push", key, key.signWindow(window())).statusCode(200);
        listOfUser(TestTenants.TENANT_ID, user).statusCode(200).body("credentials", hasSize(0));
    }

    @Test
    void listOfUserWithMissingOrMalformedParametersThenInvalidRequest() {
        listOfUser(null, newUser()).statusCode(400).body("error", equalTo("invalid_request"));
        listOfUser(TestTenants.TENANT_ID, null).statusCode(400).body("error", equalTo("invalid_request"));
        listOfUser(TestTenants.TENANT_ID, "x".repeat(dev.countersign.common.wire.Identifiers.USER_ID_MAX_CHARACTERS + 1)).statusCode(400)
                .body("error", equalTo("invalid_request"));
    }
}
