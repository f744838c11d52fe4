package dev.countersign.credential;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.token.Scopes;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.testkit.AuditLog;
import dev.countersign.testkit.TestTenants;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/**
 * credential-service's audit records (docs/observability.md#audit-trail) for a real device's
 * lifecycle: enrolment, a signed push token change, refused calls, removal through the Server API
 * — with the fields each event carries and none of the secrets, tokens or signatures the flow used.
 */
@QuarkusTest
class AuditTrailTest extends CredentialTestSupport {

    @Test
    void aCredentialsLifecycleAndRefusedCallsAreAuditedWithoutAnySecret() {
        String user = newUser();
        String token = trackToken(user, Scopes.ADD_AUTHENTICATORS);
        String pushToken = "apns-audit-" + UUID.randomUUID();
        String wrongSecretKey = "sk_test_wrong_" + UUID.randomUUID();
        String garbageToken = "not-a-token-" + UUID.randomUUID();
        SimulatedDevice device = SimulatedDevice.create(DeviceProfile.IOS_2_7,
                "http://localhost:" + RestAssured.port + "/v1", TestTenants.TENANT_ID);
        String signature;
        String badSignature;
        String credentialId;
        try (AuditLog audit = AuditLog.capture()) {
            DeviceResponse added = device.addCredential(CredentialKind.PUSH, token);
            assertThat(added.status()).as(added.body()).isEqualTo(200);
            credentialId = added.text("userAuthenticatorId");

            DeviceResponse sign = device.signPushUpdate();
            badSignature = device.sign(CredentialKind.PUSH, "not the message we were given");
            assertThat(device.updatePushCredentialWithSignature(sign.text("challengeId"), badSignature, pushToken, false)
                    .status()).isEqualTo(401);
            signature = device.sign(CredentialKind.PUSH, sign.text("message"));
            assertThat(device.updatePushCredentialWithSignature(sign.text("challengeId"), signature, pushToken, false)
                    .status()).isEqualTo(200);

            add("push", garbageToken, addBody(TestDeviceKey.generate())).statusCode(401);
            String removal = "/v1/users/" + user + "/authenticators/" + credentialId;
            given().header("Authorization", TestTenants.serverAuthorization(wrongSecretKey)).delete(removal)
                    .then().statusCode(401);
            given().header("Authorization", TestTenants.serverAuthorization(TestTenants.SECRET_KEY)).delete(removal)
                    .then().statusCode(200);

            List<AuditLog.Entry> ofUser = audit.matching(e -> user.equals(e.field("user")));
            assertThat(ofUser).extracting(AuditLog.Entry::event)
                    .containsExactly("credential.added", "credential.push_token_changed", "credential.removed");
            for (AuditLog.Entry entry : ofUser) {
                assertThat(entry.fields()).containsEntry("tenant", TestTenants.TENANT_ID)
                        .containsEntry("credentialId", credentialId).containsEntry("method", "push");
                assertThat(entry.field("clientAddress")).as(entry.message()).isNotBlank();
                assertThat(entry.message()).startsWith("event=" + entry.event() + " ")
                        .contains("user=" + user, "credentialId=" + credentialId);
            }
            assertThat(ofUser.get(1).field("reason")).isEqualTo("signed-update");
            assertThat(ofUser.get(2).field("reason")).isEqualTo("server-api");

            assertThat(audit.matching(e -> "auth.failed".equals(e.event()) && "bad_signature".equals(e.field("reason"))
                    && "PATCH /v1/client/user-authenticators/push".equals(e.field("request"))))
                    .singleElement().satisfies(e -> assertThat(e.fields()).containsEntry("tenant", TestTenants.TENANT_ID)
                            .containsEntry("outcome", "unauthorized"));
            assertThat(audit.matching(e -> "auth.failed".equals(e.event()) && "bad_token".equals(e.field("reason"))
                    && "POST /v1/client/user-authenticators/push".equals(e.field("request")))).hasSize(1);
            assertThat(audit.matching(e -> "auth.failed".equals(e.event()) && ("DELETE " + removal).equals(e.field("request"))))
                    .singleElement().satisfies(e -> assertThat(e.fields()).containsEntry("reason", "bad_secret_key")
                            .doesNotContainKey("tenant"));

            for (String secret : List.of(token, pushToken, wrongSecretKey, TestTenants.SECRET_KEY, garbageToken, signature,
                    badSignature, sign.text("message"), device.publicKey(CredentialKind.PUSH))) {
                assertThat(audit.mentioning(secret)).as("records mentioning %s", secret).isEmpty();
            }
        }
    }
}
