package dev.countersign.credential;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.countersign.common.token.Scopes;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.common.token.TokenType;
import dev.countersign.testkit.TestTenants;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class ClientCredentialResourceTest extends CredentialTestSupport {

    private static final String ISO_MILLIS = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    @ParameterizedTest
    @ValueSource(strings = {"push", "qr-code", "in-app"})
    void addThenGetThenRemoveThenGetIsInvalidCredential(String feature) {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();

        String id = add(feature, trackToken(user), addBody(key))
                .statusCode(200)
                .contentType(ContentType.JSON)
                .body("userId", equalTo(user))
                .body("verifiedAt", matchesPattern(ISO_MILLIS))
                .body("lastVerifiedAt", nullValue())
                .body("error", nullValue())
                .extract().path("userAuthenticatorId");
        assertThat(UUID.fromString(id)).isNotNull();

        get(feature, key.androidQuery()).statusCode(200)
                .body("userAuthenticatorId", equalTo(id)).body("userId", equalTo(user))
                .body("verifiedAt", matchesPattern(ISO_MILLIS));
        get(feature, key.iosQuery()).statusCode(200).body("userAuthenticatorId", equalTo(id));

        remove(feature, key, key.signWindow(window())).statusCode(200)
                .contentType(ContentType.JSON).body("removedAuthenticatorId", equalTo(id));

        get(feature, key.androidQuery()).statusCode(404)
                .body("error", equalTo("invalid_credential")).body("errorCode", equalTo("invalid_credential"));
        assertThat(count("select version from credential where id = $1", UUID.fromString(id))).isEqualTo(2);
        assertThat(activeCredentialsOf(user)).isZero();
    }

    @Test
    void addStoresWhatTheDeviceSent() {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        Map<String, Object> body = addBody(key);
        body.put("pushToken", "fcm-token-1");
        body.put("performAttestation", Map.of("provider", "APP_ATTEST", "token", "b64-object", "keyId", "key-1"));
        body.put("unknownFutureField", true);

        String id = add("push", trackToken(user), body).statusCode(200).extract().path("userAuthenticatorId");

        var row = pool.preparedQuery("select kind, device_name, device_platform, push_token, attestation::text as a,"
                        + " version, public_key from credential where id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.fromString(id))).await().indefinitely()
                .iterator().next();
        assertThat(row.getString("kind")).isEqualTo("push");
        assertThat(row.getString("device_name")).isEqualTo("Google Pixel 8");
        assertThat(row.getString("device_platform")).isEqualTo("android");
        assertThat(row.getString("push_token")).isEqualTo("fcm-token-1");
        assertThat(row.getString("a")).contains("\"provider\": \"APP_ATTEST\"").contains("\"keyId\": \"key-1\"");
        assertThat(row.getLong("version")).isEqualTo(1);
        assertThat(row.getString("public_key")).isEqualTo(key.publicKey());
    }

    @Test
    void addWithUrlSafeUnpaddedKeyStoresTheCanonicalForm() {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        String urlSafe = key.publicKey().replace('+', '-').replace('/', '_').replace("=", "");

        add("push", trackToken(user), Map.of("publicKey", urlSafe)).statusCode(200);

        assertThat(rowsWithKey(key)).isEqualTo(1);
    }

    @Test
    void addWithNullOptionalFieldsIsLikeMissingOnes() {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("publicKey", key.publicKey());
        body.put("deviceName", null);
        body.put("devicePlatform", null);
        body.put("performAttestation", null);
        body.put("pushToken", null);

        add("qr-code", trackToken(user), body).statusCode(200).body("userId", equalTo(user));
    }

    @Test
    void addSameKeyAgainAnswersTheSameCredentialAndStoresNothingNew() {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        String first = add("push", trackToken(user), addBody(key)).statusCode(200).extract().path("userAuthenticatorId");

        // No add:authenticators needed: the key is already this user's.
        add("push", trackToken(user), addBody(key)).statusCode(200).body("userAuthenticatorId", equalTo(first));

        assertThat(rowsOf(user)).isEqualTo(1);
        assertThat(count("select version from credential where id = $1", UUID.fromString(first))).isEqualTo(1);
    }

    @Test
    void addSecondDeviceWithoutAddScopeThenInsufficientScopeAndNothingStored() {
        String user = newUser();
        enrol("push", user, TestDeviceKey.generate());
        TestDeviceKey second = TestDeviceKey.generate();

        add("qr-code", trackToken(user, Scopes.READ_AUTHENTICATORS), addBody(second))
                .statusCode(403).body("error", equalTo("insufficient_scope"));

        assertThat(rowsWithKey(second)).isZero();
        assertThat(rowsOf(user)).isEqualTo(1);
    }

    @Test
    void addSecondDeviceWithAddScopeThenEnrolled() {
        String user = newUser();
        enrol("push", user, TestDeviceKey.generate());
        TestDeviceKey second = TestDeviceKey.generate();

        add("in-app", trackToken(user, Scopes.ADD_AUTHENTICATORS), addBody(second)).statusCode(200);

        assertThat(activeCredentialsOf(user)).isEqualTo(2);
    }

    @Test
    void addAfterTheOnlyCredentialWasRemovedNeedsNoAddScope() {
        String user = newUser();
        TestDeviceKey first = TestDeviceKey.generate();
        enrol("push", user, first);
        remove("push", first, first.signWindow(window())).statusCode(200);

        add("push", trackToken(user), addBody(TestDeviceKey.generate())).statusCode(200);

        assertThat(activeCredentialsOf(user)).isEqualTo(1);
    }

    @Test
    void addWithAccessTokenThenInsufficientScope() {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        String access = tokens.issue(TokenType.ACCESS, TestTenants.TENANT_ID, user, "signIn", "idem-1",
                Set.of(Scopes.ADD_AUTHENTICATORS), null).token();

        add("push", access, addBody(key)).statusCode(403).body("error", equalTo("insufficient_scope"));

        assertThat(rowsWithKey(key)).isZero();
    }

    @Test
    void addWithExpiredTokenThenExpiredToken() {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        Instant now = clock.instant();
        String expired = tokens.sign(new TokenClaims(UUID.randomUUID().toString(), TokenType.TRACK,
                TestTenants.TENANT_ID, user, "signIn", "idem-2", Set.of(Scopes.ADD_AUTHENTICATORS),
                now.minusSeconds(700), now.minusSeconds(100), null)).token();

        add("push", expired, addBody(key)).statusCode(401)
                .body("error", equalTo("expired_token")).body("errorCode", equalTo("expired_token"));

        assertThat(rowsWithKey(key)).isZero();
    }

    @Test
    void addWithForgedTokenThenUnauthorized() {
        TestDeviceKey key = TestDeviceKey.generate();
        String token = trackToken(newUser());
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA" + token.substring(token.lastIndexOf('.') + 5);

        add("push", forged, addBody(key)).statusCode(401).body("error", equalTo("unauthorized"));
        assertThat(rowsWithKey(key)).isZero();
    }

    @Test
    void addWithTenantBasicInsteadOfTokenThenUnauthorized() {
        TestDeviceKey key = TestDeviceKey.generate();

        given().header("Authorization", TENANT_BASIC).contentType(ContentType.JSON).body(addBody(key))
                .when().post("/v1/client/user-authenticators/push")
                .then().statusCode(401).body("error", equalTo("unauthorized"));
        assertThat(rowsWithKey(key)).isZero();
    }

    @Test
    void addKeyOfAnotherUserThenRefusedAndNothingStored() {
        String owner = newUser();
        String other = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        String id = enrol("push", owner, key);

        add("push", trackToken(other, Scopes.ADD_AUTHENTICATORS), addBody(key))
                .statusCode(400).body("error", equalTo("invalid_request"))
                .body("errorDescription", equalTo("public key is registered to another user"));

        assertThat(rowsOf(other)).isZero();
        assertThat(rowsWithKey(key)).isEqualTo(1);
        get("push", key.androidQuery()).statusCode(200).body("userAuthenticatorId", equalTo(id))
                .body("userId", equalTo(owner));
    }

    @Test
    void addSameKeyForAnotherFeatureIsASeparateCredential() {
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        String push = enrol("push", user, key);

        String qr = add("qr-code", trackToken(user, Scopes.ADD_AUTHENTICATORS), addBody(key)).statusCode(200)
                .extract().path("userAuthenticatorId");

        assertThat(qr).isNotEqualTo(push);
        get("push", key.androidQuery()).statusCode(200).body("userAuthenticatorId", equalTo(push));
        get("qr-code", key.androidQuery()).statusCode(200).body("userAuthenticatorId", equalTo(qr));
    }

    @Test
    void addWithMissingOrInvalidPublicKeyThenInvalidRequest() {
        String user = newUser();
        String token = trackToken(user);
        add("push", token, Map.of("deviceName", "x")).statusCode(400).body("error", equalTo("invalid_request"));
        add("push", token, Map.of("publicKey", "")).statusCode(400).body("error", equalTo("invalid_request"));
        add("push", token, Map.of("publicKey", "not base64 !")).statusCode(400).body("error", equalTo("invalid_request"));
        // Valid base64 but not a P-256 SPKI.
        add("push", token, Map.of("publicKey", Base64.getEncoder().encodeToString(new byte[91])))
                .statusCode(400).body("error", equalTo("invalid_request"));
        assertThat(rowsOf(user)).isZero();
    }

    @Test
    void addWithMalformedBodiesThenJsonErrorsAndNothingStored() {
        String user = newUser();
        String token = trackToken(user);
        TestDeviceKey key = TestDeviceKey.generate();

        add("push", token, "{\"publicKey\": ").statusCode(400).body("error", equalTo("invalid_request"));
        add("push", token, "{\"publicKey\": 12}").statusCode(400).body("error", equalTo("invalid_request"));
        add("push", token, "{\"publicKey\": \"" + key.publicKey() + "\", \"deviceName\": true}")
                .statusCode(400).body("error", equalTo("invalid_request"));
        add("push", token, "[\"" + key.publicKey() + "\"]").statusCode(400).body("error", equalTo("invalid_request"));
        add("push", token, "").statusCode(400).body("error", equalTo("invalid_request"));
        add("push", token, "null").statusCode(400).body("error", equalTo("invalid_request"));
        given().header("Authorization", "Bearer " + token).contentType(ContentType.TEXT).body(key.publicKey())
                .when().post("/v1/client/user-authenticators/push")
                .then().statusCode(415).contentType(ContentType.JSON).body("error", notNullValue());

        assertThat(rowsOf(user)).isZero();
        assertThat(rowsWithKey(key)).isZero();
    }

    @Test
    void addWithTwoMegabyteBodyThenPayloadTooLarge() {
        String user = newUser();
        String padding = "x".repeat(2 * 1024 * 1024);
        TestDeviceKey key = TestDeviceKey.generate();

        add("push", trackToken(user), "{\"publicKey\": \"" + key.publicKey() + "\", \"deviceName\": \"" + padding + "\"}")
                .statusCode(413).contentType(ContentType.JSON).body("error", equalTo("payload_too_large"));

        assertThat(rowsOf(user)).isZero();
    }

    @Test
    void unknownFeatureThenNotFound() {
        given().header("Authorization", TENANT_BASIC).queryParam("publicKey", TestDeviceKey.generate().androidQuery())
                .when().get("/v1/client/user-authenticators/passkey")
                .then().statusCode(404).contentType(ContentType.JSON).body("error", equalTo("not_found"));
        add("sms", trackToken(newUser()), addBody(TestDeviceKey.generate()))
                .statusCode(404).body("error", equalTo("not_found"));
    }

    @Test
    void getUnknownKeyThenInvalidCredential() {
        get("push", TestDeviceKey.generate().androidQuery()).statusCode(404).body("error", equalTo("invalid_credential"));
    }

    @Test
    void getWithMissingOrUndecodableKeyThenInvalidRequest() {
        given().header("Authorization", TENANT_BASIC).when().get("/v1/client/user-authenticators/push")
                .then().statusCode(400).body("error", equalTo("invalid_request"));
        get("push", "!!!").statusCode(400).body("error", equalTo("invalid_request"));
        // The SPKI text itself rather than base64 of it.
        get("push", Base64.getEncoder().encodeToString(new byte[10])).statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void getOfAnotherTenantsCredentialThenInvalidCredential() {
        TestDeviceKey key = TestDeviceKey.generate();
        enrol("push", newUser(), key);

        given().header("Authorization", OTHER_TENANT_BASIC).queryParam("publicKey", key.androidQuery())
                .when().get("/v1/client/user-authenticators/push")
                .then().statusCode(404).body("error", equalTo("invalid_credential"));
    }

    @Test
    void getWithUnknownTenantOrNoAuthorizationThenUnauthorized() {
        TestDeviceKey key = TestDeviceKey.generate();
        enrol("push", newUser(), key);
        String unknown = "Basic " + Base64.getEncoder().encodeToString("no-such-tenant:".getBytes());

        given().header("Authorization", unknown).queryParam("publicKey", key.androidQuery())
                .when().get("/v1/client/user-authenticators/push")
                .then().statusCode(401).body("error", equalTo("unauthorized"));
        given().queryParam("publicKey", key.androidQuery())
                .when().get("/v1/client/user-authenticators/push")
                .then().statusCode(401).body("error", equalTo("unauthorized"));
    }

    @Test
    void getAcceptsTheIosTenantEncoding() {
        TestDeviceKey key = TestDeviceKey.generate();
        String id = enrol("push", newUser(), key);
        String ios = "Basic " + Base64.getUrlEncoder().withoutPadding()
                .encodeToString((TestTenants.TENANT_ID + ":").getBytes());

        given().header("Authorization", ios).queryParam("publicKey", key.iosQuery())
                .when().get("/v1/client/user-authenticators/push")
                .then().statusCode(200).body("userAuthenticatorId", equalTo(id));
    }

    @Test
    void removeAcceptsThePreviousAndNextWindow() {
        freezeMidWindow();
        TestDeviceKey previous = TestDeviceKey.generate();
        TestDeviceKey next = TestDeviceKey.generate();
        enrol("push", newUser(), previous);
        enrol("push", newUser(), next);

        remove("push", previous, previous.signWindow(window() - 1)).statusCode(200);
        remove("push", next, next.signWindow(window() + 1)).statusCode(200);

        get("push", previous.androidQuery()).statusCode(404);
        get("push", next.androidQuery()).statusCode(404);
    }

    @Test
    void removeSignedForAWindowTooOldThenUnauthorizedAndStillActive() {
        freezeMidWindow();
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        String id = enrol("push", user, key);

        remove("push", key, key.signWindow(window() - 3)).statusCode(401).body("error", equalTo("unauthorized"));
        remove("push", key, key.signWindow(window() - 2)).statusCode(401).body("error", equalTo("unauthorized"));
        remove("push", key, key.signWindow(window() + 2)).statusCode(401).body("error", equalTo("unauthorized"));

        get("push", key.androidQuery()).statusCode(200).body("userAuthenticatorId", equalTo(id));
        assertThat(count("select version from credential where id = $1", UUID.fromString(id))).isEqualTo(1);
    }

    @Test
    void removeAfterTheClockMovedPastTheWindowThenUnauthorized() {
        freezeMidWindow();
        TestDeviceKey key = TestDeviceKey.generate();
        enrol("in-app", newUser(), key);
        String signature = key.signWindow(window());

        clock.advance(java.time.Duration.ofMinutes(20));

        remove("in-app", key, signature).statusCode(401).body("error", equalTo("unauthorized"));
        get("in-app", key.androidQuery()).statusCode(200);
    }

    @Test
    void removeSignedByAnotherKeyThenUnauthorizedAndStillActive() {
        TestDeviceKey key = TestDeviceKey.generate();
        TestDeviceKey attacker = TestDeviceKey.generate();
        enrol("qr-code", newUser(), key);

        remove("qr-code", key, attacker.signWindow(window())).statusCode(401).body("error", equalTo("unauthorized"));

        get("qr-code", key.androidQuery()).statusCode(200);
    }

    @Test
    void removeSignedOverTheIntegerFormThenUnauthorized() {
        freezeMidWindow();
        TestDeviceKey key = TestDeviceKey.generate();
        enrol("push", newUser(), key);

        remove("push", key, key.sign(Long.toString(window()))).statusCode(401).body("error", equalTo("unauthorized"));

        get("push", key.androidQuery()).statusCode(200);
    }

    @Test
    void removeWithGarbageSignatureThenUnauthorized() {
        TestDeviceKey key = TestDeviceKey.generate();
        enrol("push", newUser(), key);

        remove("push", key, "not-a-signature").statusCode(401).body("error", equalTo("unauthorized"));
        given().header("Authorization", TENANT_BASIC).contentType(ContentType.JSON)
                .body(Map.of("publicKey", key.publicKey()))
                .when().post("/v1/client/user-authenticators/push/remove")
                .then().statusCode(401).body("error", equalTo("unauthorized"));

        get("push", key.androidQuery()).statusCode(200);
    }

    @Test
    void removeUnknownOrAlreadyRemovedKeyThenInvalidCredential() {
        TestDeviceKey unknown = TestDeviceKey.generate();
        remove("push", unknown, unknown.signWindow(window())).statusCode(404).body("error", equalTo("invalid_credential"));

        TestDeviceKey key = TestDeviceKey.generate();
        String id = enrol("push", newUser(), key);
        remove("push", key, key.signWindow(window())).statusCode(200);
        remove("push", key, key.signWindow(window())).statusCode(404).body("error", equalTo("invalid_credential"));
        assertThat(count("select version from credential where id = $1", UUID.fromString(id))).isEqualTo(2);
    }

    @Test
    void replayedRemoveBodyCannotRemoveTheSameKeyEnrolledAgain() {
        freezeMidWindow();
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        String first = enrol("push", user, key);
        String captured = key.signWindow(window());
        remove("push", key, captured).statusCode(200).body("removedAuthenticatorId", equalTo(first));
        String second = enrol("push", user, key);
        assertThat(second).isNotEqualTo(first);

        remove("push", key, captured).statusCode(401).body("error", equalTo("unauthorized"))
                .body("errorDescription", equalTo("The remove signature was already used"));
        // Re-encoding the captured signature as (r, n - s) is the same proof.
        remove("push", key, TestDeviceKey.malleated(captured)).statusCode(401).body("error", equalTo("unauthorized"));

        get("push", key.androidQuery()).statusCode(200).body("userAuthenticatorId", equalTo(second));
        assertThat(count("select version from credential where id = $1", UUID.fromString(second))).isEqualTo(1);
        assertThat(count("select count(*) from remove_signature_use where credential_id = $1", UUID.fromString(first)))
                .isEqualTo(1);
        // A fresh signature over the same window still removes it.
        remove("push", key, key.signWindow(window())).statusCode(200).body("removedAuthenticatorId", equalTo(second));
        assertThat(activeCredentialsOf(user)).isZero();
    }

    @Test
    void usedRemoveBodyCannotRemoveTheSameKeysCredentialOfAnotherFeature() {
        freezeMidWindow();
        String user = newUser();
        TestDeviceKey key = TestDeviceKey.generate();
        enrol("push", user, key);
        String qr = add("qr-code", trackToken(user, Scopes.ADD_AUTHENTICATORS), addBody(key)).statusCode(200)
                .extract().path("userAuthenticatorId");
        String captured = key.signWindow(window());
        remove("push", key, captured).statusCode(200);

        remove("qr-code", key, captured).statusCode(401).body("error", equalTo("unauthorized"));

        get("qr-code", key.androidQuery()).statusCode(200).body("userAuthenticatorId", equalTo(qr));
    }

    @Test
    void usedRemoveSignaturesArePurgedOnceTheirWindowCanNoLongerBeAccepted() {
        freezeMidWindow();
        TestDeviceKey old = TestDeviceKey.generate();
        String oldId = enrol("push", newUser(), old);
        remove("push", old, old.signWindow(window())).statusCode(200);
        clock.advance(java.time.Duration.ofMinutes(30));
        TestDeviceKey key = TestDeviceKey.generate();
        String id = enrol("push", newUser(), key);

        remove("push", key, key.signWindow(window())).statusCode(200);

        assertThat(count("select count(*) from remove_signature_use where credential_id = $1", UUID.fromString(oldId)))
                .isZero();
        assertThat(count("select count(*) from remove_signature_use where credential_id = $1", UUID.fromString(id)))
                .isEqualTo(1);
    }

    @Test
    void removeOfAnotherTenantsCredentialThenInvalidCredential() {
        TestDeviceKey key = TestDeviceKey.generate();
        enrol("push", newUser(), key);

        given().header("Authorization", OTHER_TENANT_BASIC).contentType(ContentType.JSON)
                .body(Map.of("publicKey", key.publicKey(), "signature", key.signWindow(window())))
                .when().post("/v1/client/user-authenticators/push/remove")
                .then().statusCode(404).body("error", equalTo("invalid_credential"));

        get("push", key.androidQuery()).statusCode(200);
    }

    @Test
    void removeWithMalformedBodiesThenInvalidRequest() {
        TestDeviceKey key = TestDeviceKey.generate();
        enrol("push", newUser(), key);
        for (String body : new String[] {"", "{", "{\"publicKey\": 12, \"signature\": \"x\"}",
                "{\"signature\": \"" + key.signWindow(window()) + "\"}"}) {
            given().header("Authorization", TENANT_BASIC).contentType(ContentType.JSON).body(body)
                    .when().post("/v1/client/user-authenticators/push/remove")
                    .then().statusCode(400).body("error", equalTo("invalid_request"));
        }
        get("push", key.androidQuery()).statusCode(200);
    }
}
