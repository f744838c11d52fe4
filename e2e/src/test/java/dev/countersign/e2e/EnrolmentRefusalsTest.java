package dev.countersign.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.common.token.TokenIssuer;
import dev.countersign.common.token.TokenKeys;
import dev.countersign.common.token.TokenType;
import dev.countersign.local.launcher.CountersignStack;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;

/**
 * Every refusal of enrolment and removal through the edge: a JSON error with a fitting 4xx, and
 * nothing stored (the Server API still lists exactly what it listed before).
 */
@ExtendWith(RunningStack.class)
class EnrolmentRefusalsTest {

    private static final String CREDENTIAL_PATH = "/client/user-authenticators/push";

    private CountersignStack stack;
    private ServerApi server;
    private String user;
    private SimulatedDevice device;

    @BeforeEach
    void enrolOnePushCredential(CountersignStack stack) {
        this.stack = stack;
        server = new ServerApi(stack.baseUrl(), stack.secretKey());
        user = "user-" + UUID.randomUUID();
        device = SimulatedDevice.create(DeviceProfile.ANDROID_3_8, stack.baseUrl(), stack.tenantId());
        assertThat(device.addCredential(CredentialKind.PUSH, track(user, "{}")).status()).isEqualTo(200);
    }

    @Test
    void enrolWhenTokenExpiredThenExpiredToken() {
        Instant past = Instant.now().minus(Duration.ofHours(1));
        String expired = issuer().sign(new TokenClaims(UUID.randomUUID().toString(), TokenType.TRACK, stack.tenantId(),
                user, "enrolDevice", UUID.randomUUID().toString(), Set.of("add:authenticators"), past,
                past.plus(Duration.ofMinutes(10)), null)).token();

        assertRefused(newDevice().addCredential(CredentialKind.QR_CODE, expired), 401, "expired_token");
        assertStillOnlyTheFirstCredential();
    }

    @Test
    void enrolSecondDeviceWhenTokenLacksAddScopeThenInsufficientScope() {
        assertRefused(newDevice().addCredential(CredentialKind.PUSH, track(user, "{}")), 403, "insufficient_scope");
        assertStillOnlyTheFirstCredential();

        DeviceResponse allowed = newDevice().addCredential(CredentialKind.PUSH, track(user, "{\"scope\":\"add:authenticators\"}"));
        assertThat(allowed.status()).as("%s", allowed).isEqualTo(200);
    }

    @Test
    void enrolWithAccessTokenThenInsufficientScope() {
        String access = issuer().issue(TokenType.ACCESS, stack.tenantId(), user, "signIn", UUID.randomUUID().toString(),
                Set.of("add:authenticators"), null).token();

        assertRefused(newDevice().addCredential(CredentialKind.QR_CODE, access), 403, "insufficient_scope");
        assertStillOnlyTheFirstCredential();
    }

    @Test
    void enrolWhenKeyBelongsToAnotherUserThenRefused() {
        String otherUser = "user-" + UUID.randomUUID();

        assertRefused(device.addCredential(CredentialKind.PUSH, track(otherUser, "{}")), 400, "invalid_request");
        assertThat(server.authenticators(otherUser).json()).isEmpty();
        assertStillOnlyTheFirstCredential();
    }

    @Test
    void serverApiWhenSecretWrongThenUnauthorized() {
        ServerApi.Answer answer = new ServerApi(stack.baseUrl(), "sk_local_wrong").track(user, "signIn", "{}");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.text("error")).isEqualTo("unauthorized");
        assertThat(new ServerApi(stack.baseUrl(), stack.tenantId()).authenticators(user).status())
                .as("the tenant id is no secret").isEqualTo(401);
    }

    @Test
    void deviceCallWhenTenantUnknownThenUnauthorized() {
        assertRefused(device.forTenant("no-such-tenant").getCredential(CredentialKind.PUSH), 401, "unauthorized");
        assertRefused(device.forTenant("no-such-tenant").removeCredential(CredentialKind.PUSH, Instant.now()), 401, "unauthorized");
        assertStillOnlyTheFirstCredential();
    }

    @Test
    void removeWhenWindowTooOldThenUnauthorized() {
        long window = SimulatedDevice.timeWindow(Instant.now());

        assertRefused(device.removeCredential(CredentialKind.PUSH, window - 3), 401, "unauthorized");
        assertRefused(device.removeCredentialSigning(CredentialKind.PUSH, Long.toString(window)), 401, "unauthorized");
        assertStillOnlyTheFirstCredential();
    }

    @Test
    void removeWhenSignedByAnotherKeyThenUnauthorized() {
        String foreign = newDevice().sign(CredentialKind.PUSH, SimulatedDevice.timeMessage(Instant.now()));

        assertRefused(device.removeCredentialWithSignature(CredentialKind.PUSH, foreign), 401, "unauthorized");
        assertStillOnlyTheFirstCredential();
    }

    @Test
    void enrolWhenBodyMalformedWrongTypedEmptyOrHugeThenRefused() {
        String bearer = "Bearer " + track(user, "{\"scope\":\"add:authenticators\"}");

        assertRefused(device.postRaw(CREDENTIAL_PATH, bearer, "{\"publicKey\": "), 400, "invalid_request");
        assertRefused(device.postRaw(CREDENTIAL_PATH, bearer, "{\"publicKey\": 12}"), 400, "invalid_request");
        assertRefused(device.postRaw(CREDENTIAL_PATH, bearer, "[]"), 400, "invalid_request");
        assertRefused(device.postRaw(CREDENTIAL_PATH, bearer, ""), 400, "invalid_request");
        assertRefused(device.postRaw(CREDENTIAL_PATH, bearer, "{\"publicKey\":\"bm90IGEga2V5\"}"), 400, "invalid_request");
        String huge = "{\"publicKey\":\"" + "A".repeat(2 * 1024 * 1024) + "\"}";
        assertRefused(device.postRaw(CREDENTIAL_PATH, bearer, huge), 413, "payload_too_large");
        assertStillOnlyTheFirstCredential();
    }

    private String track(String userId, String attributes) {
        ServerApi.Answer answer = server.track(userId, "enrolDevice", attributes);
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        return answer.text("token");
    }

    private SimulatedDevice newDevice() {
        return SimulatedDevice.create(DeviceProfile.IOS_2_7, stack.baseUrl(), stack.tenantId());
    }

    private TokenIssuer issuer() {
        return new TokenIssuer("countersign", Duration.ofMinutes(10),
                Optional.of(TokenKeys.privateKey(stack.tokenSigningKeyPem())), Clock.systemUTC());
    }

    private void assertStillOnlyTheFirstCredential() {
        ServerApi.Answer listed = server.authenticators(user);
        assertThat(listed.json()).as("%s", listed).hasSize(1);
        assertThat(device.getCredential(CredentialKind.PUSH).status()).isEqualTo(200);
    }

    private static void assertRefused(DeviceResponse response, int status, String code) {
        assertThat(response.status()).as("%s", response).isEqualTo(status);
        assertThat(response.text("error")).as("%s", response).isEqualTo(code);
        assertThat(response.text("errorCode")).isEqualTo(code);
        assertThat(response.text("errorDescription")).isNotBlank();
    }
}
