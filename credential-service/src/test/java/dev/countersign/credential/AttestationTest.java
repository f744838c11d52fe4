package dev.countersign.credential;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.countersign.common.token.AttestationNonces;
import dev.countersign.common.token.Scopes;
import dev.countersign.common.token.TokenType;
import dev.countersign.testkit.TestTenants;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * {@code performAttestation} on add (docs/protocol/wire.md#32-add-a-credential, docs/protocol/decisions.md#15-attestation), bound to the signed, single-use
 * nonce challenge-service issues for the track token's action (common's AttestationNonces).
 * The vendors' statements themselves are not verified.
 */
@QuarkusTest
class AttestationTest extends CredentialTestSupport {

    @Inject
    AttestationNonces nonces;

    /** A track token for a known action instance, so a nonce can be bound to it. */
    private String trackTokenFor(String user, String idempotencyKey) {
        return tokens.issue(TokenType.TRACK, TestTenants.TENANT_ID, user, "signIn", idempotencyKey,
                Set.of(Scopes.ADD_AUTHENTICATORS), null).token();
    }

    private static Map<String, Object> withAttestation(TestDeviceKey key, Map<String, Object> attestation) {
        Map<String, Object> body = addBody(key);
        body.put("performAttestation", attestation);
        return body;
    }

    private static Map<String, Object> playIntegrity(String nonce) {
        Map<String, Object> attestation = new LinkedHashMap<>();
        attestation.put("provider", "PLAY_INTEGRITY");
        attestation.put("token", "play-integrity-token");
        if (nonce != null) {
            attestation.put("nonce", nonce);
        }
        return attestation;
    }

    private static ValidatableResponse listed(String user) {
        return given().header("Authorization", TestTenants.serverAuthorization(TestTenants.SECRET_KEY))
                .when().get("/v1/users/" + user + "/authenticators").then().statusCode(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"push", "qr-code", "in-app"})
    void nonceOfTheTokensActionIsAcceptedStoredAndShownInServerApi(String feature) {
        String user = newUser();
        String idempotencyKey = UUID.randomUUID().toString();
        AttestationNonces.Issued nonce = nonces.issue(TestTenants.TENANT_ID, idempotencyKey, Duration.ofMinutes(5));
        Map<String, Object> appAttest = new LinkedHashMap<>(Map.of("provider", "APP_ATTEST", "token", "o2NmbXQ",
                "keyId", "app-attest-key-1", "nonce", nonce.nonce()));

        add(feature, trackTokenFor(user, idempotencyKey), withAttestation(TestDeviceKey.generate(), appAttest))
                .statusCode(200);

        listed(user).body("[0].attestation.provider", equalTo("APP_ATTEST"))
                .body("[0].attestation.token", equalTo("o2NmbXQ"))
                .body("[0].attestation.keyId", equalTo("app-attest-key-1"))
                .body("[0].attestation.nonceVerified", equalTo(true))
                .body("[0].attestation.nonceId", equalTo(nonce.id()));
        assertThat(count("select count(*) from attestation_nonce_use where nonce_id = $1", nonce.id())).isEqualTo(1);
    }

    @Test
    void reusedNonceIsRefusedEvenForAnotherKeyOfTheSameAction() {
        String user = newUser();
        String idempotencyKey = UUID.randomUUID().toString();
        String nonce = nonces.issue(TestTenants.TENANT_ID, idempotencyKey, Duration.ofMinutes(5)).nonce();
        add("push", trackTokenFor(user, idempotencyKey), withAttestation(TestDeviceKey.generate(), playIntegrity(nonce)))
                .statusCode(200);

        TestDeviceKey second = TestDeviceKey.generate();
        add("in-app", trackTokenFor(user, idempotencyKey), withAttestation(second, playIntegrity(nonce)))
                .statusCode(400).body("error", equalTo("invalid_request"))
                .body("errorDescription", equalTo("The attestation nonce was already used"));
        assertThat(rowsWithKey(second)).isZero();
    }

    @Test
    void nonceOfAnotherActionOrTenantOrExpiredOrForgedIsRefused() {
        String user = newUser();
        String idempotencyKey = UUID.randomUUID().toString();
        String token = trackTokenFor(user, idempotencyKey);
        TestDeviceKey key = TestDeviceKey.generate();

        String otherAction = nonces.issue(TestTenants.TENANT_ID, UUID.randomUUID().toString(), Duration.ofMinutes(5))
                .nonce();
        String otherTenant = nonces.issue(TestTenants.OTHER_TENANT_ID, idempotencyKey, Duration.ofMinutes(5)).nonce();
        String expired = nonces.encode(AttestationNonces.body(UUID.randomUUID(), Instant.now().minusSeconds(1),
                AttestationNonces.binding(TestTenants.TENANT_ID, idempotencyKey)));
        String valid = nonces.issue(TestTenants.TENANT_ID, idempotencyKey, Duration.ofMinutes(5)).nonce();
        String forged = valid.substring(0, valid.length() - 4) + (valid.endsWith("AAAA") ? "BBBB" : "AAAA");

        for (String nonce : new String[] {otherAction, otherTenant, expired, forged, "not-a-nonce"}) {
            add("push", token, withAttestation(key, playIntegrity(nonce))).statusCode(400)
                    .body("error", equalTo("invalid_request"));
        }
        assertThat(rowsWithKey(key)).isZero();
        // The valid one still works: the refusals burnt nothing.
        add("push", token, withAttestation(key, playIntegrity(valid))).statusCode(200);
    }

    @Test
    void attestationWithoutNonceIsStoredAsUnboundLikeTheOfficialSdksSendIt() {
        String user = newUser();
        add("push", trackToken(user), withAttestation(TestDeviceKey.generate(), playIntegrity(null))).statusCode(200);
        listed(user).body("[0].attestation.provider", equalTo("PLAY_INTEGRITY"))
                .body("[0].attestation.nonceVerified", equalTo(false))
                .body("[0].attestation", not(hasKey("nonceId")));
    }

    @Test
    void malformedAttestationIsRefused() {
        String token = trackToken(newUser());
        TestDeviceKey key = TestDeviceKey.generate();
        add("push", token, withAttestation(key, Map.of("provider", "SAFETY_NET", "token", "x"))).statusCode(400)
                .body("error", equalTo("invalid_request"));
        add("push", token, withAttestation(key, Map.of("provider", "PLAY_INTEGRITY"))).statusCode(400);
        add("push", token, withAttestation(key, Map.of("provider", "APP_ATTEST", "token", "x"))).statusCode(400)
                .body("errorDescription", equalTo("performAttestation.keyId is required for APP_ATTEST"));
        assertThat(rowsWithKey(key)).isZero();
    }
}
