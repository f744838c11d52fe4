package dev.countersign.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.local.launcher.CountersignStack;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;

/**
 * A device's credentials from enrolment to removal, through the edge and the three services on
 * the real servers, once per SDK profile: track gives the token, the device enrols a push, a
 * QR-code and an in-app key, the Server API lists them, and removal (by the device's signature or
 * by the Server API) makes them disappear everywhere.
 */
@ExtendWith(RunningStack.class)
class CredentialLifecycleTest {

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void enrolGetListAndRemoveEveryKind(DeviceProfile profile, CountersignStack stack) {
        ServerApi server = new ServerApi(stack.baseUrl(), stack.secretKey());
        String user = "user-" + UUID.randomUUID();
        ServerApi.Answer tracked = server.track(user, "enrolDevice", "{\"scope\":\"add:authenticators\"}");
        assertThat(tracked.status()).as("%s", tracked).isEqualTo(200);
        assertThat(tracked.text("state")).isEqualTo("CHALLENGE_REQUIRED");
        assertThat(tracked.json().path("isEnrolled").asBoolean(true)).isFalse();
        String token = tracked.text("token");

        SimulatedDevice device = SimulatedDevice.create(profile, stack.baseUrl(), stack.tenantId());
        Map<CredentialKind, String> ids = new EnumMap<>(CredentialKind.class);
        for (CredentialKind kind : CredentialKind.values()) {
            DeviceResponse added = device.addCredential(kind, token);
            assertThat(added.status()).as("%s", added).isEqualTo(200);
            assertThat(added.text("userId")).isEqualTo(user);
            assertThat(added.text("verifiedAt")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            ids.put(kind, added.text("userAuthenticatorId"));
        }
        assertThat(device.addCredential(CredentialKind.PUSH, token).text("userAuthenticatorId"))
                .as("the same key again is the same credential").isEqualTo(ids.get(CredentialKind.PUSH));
        for (CredentialKind kind : CredentialKind.values()) {
            DeviceResponse fetched = device.getCredential(kind);
            assertThat(fetched.status()).as("%s", fetched).isEqualTo(200);
            assertThat(fetched.text("userAuthenticatorId")).isEqualTo(ids.get(kind));
        }

        JsonNode listed = server.authenticators(user).json();
        assertThat(listed).hasSize(3);
        List<String> methods = new ArrayList<>();
        listed.forEach(a -> {
            assertThat(a.path("userId").asText()).isEqualTo(user);
            assertThat(ids.values()).contains(a.path("userAuthenticatorId").asText());
            methods.add(a.path("verificationMethod").asText());
        });
        assertThat(methods).containsExactlyInAnyOrder("PUSH", "DEVICE", "DEVICE");

        // challenge-service learns of the credentials from credential-events, not from a call.
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            ServerApi.Answer again = server.track(user, "signIn", "{}");
            assertThat(again.json().path("isEnrolled").asBoolean()).isTrue();
            assertThat(again.json().path("enrolledVerificationMethods").toString()).contains("PUSH", "DEVICE");
        });

        assertThat(device.removeCredential(CredentialKind.PUSH, Instant.now()).status()).isEqualTo(200);
        assertThat(server.deleteAuthenticator(user, ids.get(CredentialKind.QR_CODE)).status()).isEqualTo(200);
        assertThat(device.removeCredential(CredentialKind.IN_APP, Instant.now()).status()).isEqualTo(200);

        for (CredentialKind kind : CredentialKind.values()) {
            DeviceResponse gone = device.getCredential(kind);
            assertThat(gone.status()).as("%s", gone).isEqualTo(404);
            assertThat(gone.text("errorCode")).isEqualTo("invalid_credential");
        }
        assertThat(server.authenticators(user).json()).isEmpty();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(server.track(user, "signIn", "{}").json().path("isEnrolled").asBoolean(true)).isFalse());
    }
}
