package dev.countersign.challenge;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.countersign.testkit.BadJsonBodies;
import dev.countersign.testkit.TestTenants;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** The input rules of docs/errors.md#input-rules, as challenge-service applies them. */
@QuarkusTest
class InputRulesTest {

    private static final String SERVER = TestTenants.serverAuthorization(TestTenants.SECRET_KEY);
    private static final String TENANT = "Basic " + Base64.getEncoder()
            .encodeToString((TestTenants.TENANT_ID + ":").getBytes(StandardCharsets.UTF_8));

    private record Route(String method, String path, String authorization, String field, List<String> extra) {
    }

    private static List<Route> routes() {
        String user = "user-" + UUID.randomUUID();
        return List.of(
                new Route("POST", "/v1/users/" + user + "/actions/signIn", SERVER, "idempotencyKey", List.of(
                        "{\"redirectToSettings\": \"yes\"}", "{\"verificationCode\": 1}", "{\"custom\": []}",
                        "{\"custom\": \"x\"}", "{\"custom\": {\"a\": 1, \"a\": 2}}")),
                new Route("PATCH", "/v1/users/" + user + "/actions/signIn/" + UUID.randomUUID(), SERVER, "state",
                        List.of()),
                new Route("POST", "/v1/validate", SERVER, "token", List.of("{\"token\": \"t\", \"userId\": 7}")),
                new Route("POST", "/v1/client/challenge/qr-code", TENANT, "action",
                        List.of("{\"custom\": [1]}")),
                new Route("POST", "/v1/client/verify/qr-code", TENANT, "challengeId", List.of()),
                new Route("POST", "/v1/client/user-authenticators/push/challenge", TENANT, "publicKey",
                        List.of("{\"publicKey\": \"k\", \"approved\": \"yes\"}", "{\"approved\": 1e999}",
                                "{\"approved\": {}}")),
                new Route("POST", "/v1/client/user-authenticators/qr-code/challenge/claim", TENANT, "publicKey",
                        List.of()),
                new Route("POST", "/v1/client/verify/in-app", TENANT, "challengeId", List.of()));
    }

    static Stream<Arguments> routesAndBadBodies() {
        List<Arguments> cases = new ArrayList<>();
        for (Route route : routes()) {
            List<byte[]> bodies = new ArrayList<>(BadJsonBodies.about(route.field(), "a"));
            route.extra().forEach(extra -> bodies.add(extra.getBytes(StandardCharsets.UTF_8)));
            for (int i = 0; i < bodies.size(); i++) {
                cases.add(Arguments.of(route.method(), route.path(), route.authorization(), i, bodies.get(i)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} body {3}")
    @MethodSource("routesAndBadBodies")
    void everyJsonBodyTheMapperCannotReadIsInvalidRequest(String method, String path, String authorization,
            int index, byte[] body) {
        BadJsonBodies.assertRefused(method, path, authorization, body);
    }

    private static RequestSpecification server() {
        return given().header("Authorization", SERVER).urlEncodingEnabled(false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a%00b", "x%0Ay", "x%7F", "x%C2%85y"})
    void userIdWithControlCharactersIsInvalidRequestOnEveryUserRoute(String userId) {
        String refusal = "userId must be 1 to 255 characters without control characters";
        server().contentType(ContentType.JSON).body("{}").when().post("/v1/users/" + userId + "/actions/signIn")
                .then().statusCode(400).contentType(ContentType.JSON)
                .body("errorCode", equalTo("invalid_request")).body("errorDescription", equalTo(refusal));
        server().when().get("/v1/users/" + userId + "/actions")
                .then().statusCode(400).body("errorDescription", equalTo(refusal));
        server().when().get("/v1/users/" + userId + "/actions/signIn/" + UUID.randomUUID())
                .then().statusCode(400).body("errorDescription", equalTo(refusal));
        server().contentType(ContentType.JSON).body(Map.of("state", "REVIEW_SUCCEEDED"))
                .when().patch("/v1/users/" + userId + "/actions/signIn/" + UUID.randomUUID())
                .then().statusCode(400).body("errorDescription", equalTo(refusal));
    }

    @Test
    void userIdOfTwoHundredFiftyFiveCharactersIsTrackedAndOneMoreIsRefused() {
        server().contentType(ContentType.JSON).body("{}").when().post("/v1/users/" + "u".repeat(255) + "/actions/signIn")
                .then().statusCode(200);
        server().contentType(ContentType.JSON).body("{}").when().post("/v1/users/" + "u".repeat(256) + "/actions/signIn")
                .then().statusCode(400).body("errorCode", equalTo("invalid_request"));
    }

    @Test
    void validateWithAControlCharacterInUserIdIsInvalidRequest() {
        given().header("Authorization", SERVER).contentType(ContentType.JSON)
                .body(Map.of("token", "t", "userId", "a\u0000b"))
                .when().post("/v1/validate")
                .then().statusCode(400).body("errorCode", equalTo("invalid_request"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/users/x;y=1/actions/signIn", "/v1/users/;x/actions/signIn",
            "/v1/users/x/actions;v=1/signIn", "/v1/validate;x"})
    void matrixParametersInThePathAreInvalidRequest(String path) {
        server().contentType(ContentType.JSON).body("{}").when().post(path)
                .then().statusCode(400).contentType(ContentType.JSON).body("errorCode", equalTo("invalid_request"));
    }

    @Test
    void aTenantIdOutsideTheAlphabetIsAnUnknownTenant() {
        String basic = "Basic " + Base64.getEncoder().encodeToString("test-tenant\u0000:".getBytes(StandardCharsets.UTF_8));
        given().header("Authorization", basic).contentType(ContentType.JSON).body("{}")
                .when().post("/v1/client/challenge/qr-code")
                .then().statusCode(401).contentType(ContentType.JSON).body("errorCode", equalTo("unauthorized"))
                .body("errorDescription", equalTo("Unknown tenant"));
    }
}
