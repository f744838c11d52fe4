package dev.countersign.credential;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.countersign.common.token.Scopes;
import dev.countersign.testkit.BadJsonBodies;
import dev.countersign.testkit.TestTenants;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** The input rules of docs/errors.md#input-rules, as credential-service applies them. */
@QuarkusTest
class InputRulesTest extends CredentialTestSupport {

    private static final String SERVER = TestTenants.serverAuthorization(TestTenants.SECRET_KEY);

    static Stream<Arguments> routesAndBadBodies() {
        String key = TestDeviceKey.generate().publicKey();
        String add = "{\"publicKey\": \"" + key + "\", \"deviceName\": {}}|{\"publicKey\": \"" + key
                + "\", \"performAttestation\": \"x\"}|{\"publicKey\": \"" + key + "\", \"performAttestation\": [1]}";
        String remove = "{\"publicKey\": \"" + key + "\", \"signature\": false}|{\"publicKey\": \"" + key
                + "\", \"signature\": [\"a\"]}";
        String update = "{\"publicKey\": \"" + key + "\", \"resetExpiry\": \"yes\"}|{\"publicKey\": \"" + key
                + "\", \"resetExpiry\": 1e999}|{\"publicKey\": \"" + key + "\", \"challengeId\": {\"a\": 1}}";
        List<String[]> routes = List.of(
                new String[] {"POST", "/v1/client/user-authenticators/push", "track", add},
                new String[] {"POST", "/v1/client/user-authenticators/qr-code/remove", "tenant", remove},
                new String[] {"PATCH", "/v1/client/user-authenticators/push", "tenant", update},
                new String[] {"POST", "/v1/client/user-authenticators/device", "track", add},
                new String[] {"POST", "/v1/client/user-authenticators/device/remove", "tenant", remove});
        List<Arguments> cases = new ArrayList<>();
        for (String[] route : routes) {
            List<byte[]> bodies = new ArrayList<>(BadJsonBodies.about("publicKey", key));
            for (String extra : route[3].split("\\|")) {
                bodies.add(extra.getBytes(StandardCharsets.UTF_8));
            }
            for (int i = 0; i < bodies.size(); i++) {
                cases.add(Arguments.of(route[0], route[1], route[2], i, bodies.get(i)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} body {3}")
    @MethodSource("routesAndBadBodies")
    void everyJsonBodyTheMapperCannotReadIsInvalidRequest(String method, String path, String auth, int index,
            byte[] body) {
        String user = newUser();
        String authorization = auth.equals("track") ? "Bearer " + trackToken(user, Scopes.ADD_AUTHENTICATORS)
                : TENANT_BASIC;
        BadJsonBodies.assertRefused(method, path, authorization, body);
        assertThat(rowsOf(user)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"deviceName", "devicePlatform", "pushToken"})
    void controlCharactersInDeviceFieldsAreInvalidRequestAndNothingIsStored(String field) {
        String user = newUser();
        Map<String, Object> body = addBody(TestDeviceKey.generate());
        body.put(field, "Pixel\u00008");
        add("push", trackToken(user, Scopes.ADD_AUTHENTICATORS), body)
                .statusCode(400).contentType(ContentType.JSON)
                .body("errorCode", equalTo("invalid_request"))
                .body("errorDescription", equalTo(field + " must not contain control characters"));
        body.put(field, "Pixel\n8");
        add("push", trackToken(user, Scopes.ADD_AUTHENTICATORS), body).statusCode(400)
                .body("errorCode", equalTo("invalid_request"));
        assertThat(rowsOf(user)).isZero();
    }

    @Test
    void controlCharactersInSdkHeadersAreInvalidRequest() {
        String user = newUser();
        given().header("Authorization", "Bearer " + trackToken(user, Scopes.ADD_AUTHENTICATORS))
                .header("X-Authsignal-Version", "1.0\tbeta")
                .contentType(ContentType.JSON).body(addBody(TestDeviceKey.generate()))
                .when().post("/v1/client/user-authenticators/push")
                .then().statusCode(400).body("errorCode", equalTo("invalid_request"));
        assertThat(rowsOf(user)).isZero();
    }

    /** No check of ours reads the attestation token's characters: the database's refusal is the answer. */
    @Test
    void textTheDatabaseCannotStoreIsInvalidRequestNotServerError() {
        String user = newUser();
        Map<String, Object> body = addBody(TestDeviceKey.generate());
        body.put("performAttestation", Map.of("provider", "PLAY_INTEGRITY", "token", "eyJ\u0000x"));
        add("push", trackToken(user, Scopes.ADD_AUTHENTICATORS), body)
                .statusCode(400).contentType(ContentType.JSON)
                .body("errorCode", equalTo("invalid_request"))
                .body("errorDescription", equalTo("The request holds characters that cannot be stored"));
        assertThat(rowsOf(user)).isZero();
    }

    @Test
    void unicodeDeviceNameIsStillAccepted() {
        String user = newUser();
        Map<String, Object> body = addBody(TestDeviceKey.generate());
        body.put("deviceName", "Zoë’s 📱 Pixel");
        add("push", trackToken(user, Scopes.ADD_AUTHENTICATORS), body).statusCode(200);
        assertThat(count("select count(*) from credential where user_id = $1 and device_name = $2", user,
                "Zoë’s 📱 Pixel")).isOne();
    }

    static ValidatableResponse list(String rawUserPath) {
        return given().header("Authorization", SERVER).urlEncodingEnabled(false)
                .when().get("/v1/users/" + rawUserPath + "/authenticators").then();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a%00b", "%00", "x%0Ay", "x%7F", "x%C2%85y"})
    void userIdWithControlCharactersIsInvalidRequest(String userId) {
        list(userId).statusCode(400).contentType(ContentType.JSON)
                .body("errorCode", equalTo("invalid_request"))
                .body("errorDescription", equalTo("userId must be 1 to 255 characters without control characters"));
    }

    @Test
    void userIdOfTwoHundredFiftyFiveCharactersIsAcceptedAndOneMoreIsRefused() {
        list("u".repeat(255)).statusCode(200);
        list("%C3%A9".repeat(255)).statusCode(200);
        list("u".repeat(256)).statusCode(400).body("errorCode", equalTo("invalid_request"));
        given().header("Authorization", SERVER).when()
                .delete("/v1/users/" + "u".repeat(256) + "/authenticators/" + java.util.UUID.randomUUID())
                .then().statusCode(400).body("errorCode", equalTo("invalid_request"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x;y=1", ";x", "x;", "%3Bx;"})
    void matrixParametersInThePathAreInvalidRequest(String userId) {
        list(userId).statusCode(400).contentType(ContentType.JSON).body("errorCode", equalTo("invalid_request"));
    }

    @Test
    void matrixParametersAreRefusedOnEveryRouteEvenWithoutAuthorization() {
        given().urlEncodingEnabled(false).when().get("/v1/client/user-authenticators/push;v=1")
                .then().statusCode(400).contentType(ContentType.JSON).body("errorCode", equalTo("invalid_request"));
        given().urlEncodingEnabled(false).when().get("/q/health;x")
                .then().statusCode(400).contentType(ContentType.JSON).body("errorCode", equalTo("invalid_request"));
    }

    @Test
    void anEncodedSemicolonIsPartOfTheUserIdNotAMatrixParameter() {
        list("x%3By").statusCode(200);
    }

    @Test
    void internalLookupWithAnInvalidTenantIdIsNotFound() {
        given().header(dev.countersign.common.internal.InternalSecret.HEADER, TestTenants.INTERNAL_SECRET)
                .queryParam("tenantId", "bad tenant\u0000").queryParam("kind", "push")
                .queryParam("publicKey", TestDeviceKey.generate().publicKey())
                .when().get("/internal/v1/credentials")
                .then().statusCode(404).contentType(ContentType.JSON).body("errorCode", equalTo("invalid_credential"));
    }
}
