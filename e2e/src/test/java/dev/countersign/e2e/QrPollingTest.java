package dev.countersign.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.local.launcher.CountersignStack;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;

/**
 * QR-code verification in polling mode (docs/protocol/wire.md#43-qr-by-polling) through the edge and the services:
 * a kiosk creates an anonymous challenge with the tenant id and polls it with its device code, a
 * phone claims it (and is shown the kiosk's address, as the edge forwarded it) and answers it, and
 * the backend validates the kiosk's access token, which names the phone's user.
 */
@ExtendWith(RunningStack.class)
class QrPollingTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KIOSK_AGENT = "Mozilla/5.0 (X11; Linux x86_64) countersign-e2e-kiosk";

    private CountersignStack stack;
    private ServerApi server;

    @BeforeEach
    void connect(CountersignStack stack) {
        this.stack = stack;
        server = new ServerApi(stack.baseUrl(), stack.secretKey());
    }

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void approvedClaimGivesThePollingKioskATokenThatValidatesAsThePhonesUser(DeviceProfile profile) {
        Enrolled phone = enrolQrDevice(profile);
        Kiosk kiosk = new Kiosk();
        Created created = kiosk.create("kioskLogin");

        Answer polled = kiosk.poll(created);
        assertThat(polled.status()).as("%s", polled).isEqualTo(200);
        assertThat(polled.flags()).containsExactly(false, false, false);

        DeviceResponse claim = phone.device().claimQrChallenge(created.challengeId());
        assertThat(claim.status()).as("%s", claim).isEqualTo(200);
        assertThat(claim.json().path("success").asBoolean(false)).isTrue();
        assertThat(claim.text("ipAddress")).as("the kiosk's address, from X-Forwarded-For via the edge")
                .isEqualTo(kiosk.address);
        assertThat(claim.text("userAgent")).isEqualTo(KIOSK_AGENT);
        assertThat(claim.text("actionCode")).isEqualTo("kioskLogin");
        String idempotencyKey = claim.text("idempotencyKey");
        assertThat(idempotencyKey).isNotBlank();

        polled = kiosk.poll(created);
        assertThat(polled.flags()).as("%s", polled).containsExactly(true, false, false);

        DeviceResponse approved = phone.device().updateChallenge(CredentialKind.QR_CODE, created.challengeId(), true,
                null);
        assertThat(approved.status()).as("%s", approved).isEqualTo(200);
        assertThat(approved.json().path("isVerified").asBoolean(false)).isTrue();

        polled = kiosk.poll(created);
        assertThat(polled.flags()).as("%s", polled).containsExactly(true, true, true);
        String accessToken = polled.json().path("accessToken").asText(null);
        assertThat(accessToken).isNotBlank();

        ServerApi.Answer validated = server.validate(accessToken);
        assertThat(validated.status()).as("%s", validated).isEqualTo(200);
        assertThat(validated.json().path("isValid").asBoolean(false)).as("%s", validated).isTrue();
        assertThat(validated.text("userId")).isEqualTo(phone.user());
        assertThat(validated.text("actionCode")).isEqualTo("kioskLogin");
        assertThat(validated.text("idempotencyKey")).isEqualTo(idempotencyKey);
        assertThat(validated.text("state")).isEqualTo("CHALLENGE_SUCCEEDED");
        assertThat(validated.text("verificationMethod")).isEqualTo("DEVICE");

        // credential-service learns of the approval from challenge.approved.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            DeviceResponse credential = phone.device().getCredential(CredentialKind.QR_CODE);
            assertThat(credential.text("lastVerifiedAt")).as("%s", credential)
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        });
    }

    @Test
    void challengeBoundToATrackTokenIsForThatUserOnly() {
        Enrolled phone = enrolQrDevice(DeviceProfile.IOS_2_7);
        Enrolled stranger = enrolQrDevice(DeviceProfile.ANDROID_3_8);
        ServerApi.Answer tracked = server.track(phone.user(), "kioskLogin", "{}");
        assertThat(tracked.status()).as("%s", tracked).isEqualTo(200);
        Kiosk kiosk = new Kiosk();
        Created created = kiosk.create("Bearer " + tracked.text("token"), null);

        DeviceResponse refused = stranger.device().claimQrChallenge(created.challengeId());
        assertThat(refused.status()).as("%s", refused).isEqualTo(404);
        DeviceResponse claim = phone.device().claimQrChallenge(created.challengeId());
        assertThat(claim.status()).as("%s", claim).isEqualTo(200);
        assertThat(claim.text("idempotencyKey")).isEqualTo(tracked.text("idempotencyKey"));
        assertThat(phone.device().updateChallenge(CredentialKind.QR_CODE, created.challengeId(), true, null).status())
                .isEqualTo(200);

        Answer polled = kiosk.poll(created);
        assertThat(polled.flags()).as("%s", polled).containsExactly(true, true, true);
        ServerApi.Answer validated = server.validate(polled.json().path("accessToken").asText());
        assertThat(validated.json().path("isValid").asBoolean(false)).as("%s", validated).isTrue();
        assertThat(validated.text("userId")).isEqualTo(phone.user());
        // Only the access token validates; the track token shows its succeeded action but is not valid
        // (docs/protocol/decisions.md#5-token-kinds).
        ServerApi.Answer trackToken = server.validate(tracked.text("token"));
        assertThat(trackToken.json().path("isValid").asBoolean(true)).as("%s", trackToken).isFalse();
        assertThat(trackToken.text("state")).isEqualTo("CHALLENGE_SUCCEEDED");
    }

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void rejectedClaimPollsAsDeclinedWithoutAToken(DeviceProfile profile) {
        Enrolled phone = enrolQrDevice(profile);
        Kiosk kiosk = new Kiosk();
        Created created = kiosk.create("kioskLogin");
        DeviceResponse claim = phone.device().claimQrChallenge(created.challengeId());
        assertThat(claim.status()).as("%s", claim).isEqualTo(200);

        DeviceResponse rejected = phone.device().updateChallenge(CredentialKind.QR_CODE, created.challengeId(), false,
                null);
        assertThat(rejected.status()).as("%s", rejected).isEqualTo(200);
        assertThat(rejected.json().path("isVerified").asBoolean(true)).isFalse();

        Answer polled = kiosk.poll(created);
        assertThat(polled.flags()).as("%s", polled).containsExactly(true, true, false);
        assertThat(polled.json().has("accessToken")).isFalse();
        assertThat(server.action(phone.user(), "kioskLogin", claim.text("idempotencyKey")).text("state"))
                .isEqualTo("CHALLENGE_FAILED");
    }

    @Test
    void refusalsLeaveTheChallengeToItsClaimer() {
        Enrolled phone = enrolQrDevice(DeviceProfile.ANDROID_3_8);
        Enrolled other = enrolQrDevice(DeviceProfile.IOS_2_7);
        Kiosk kiosk = new Kiosk();
        Created created = kiosk.create("kioskLogin");

        Answer guessed = kiosk.poll(new Created(created.challengeId(), "not-the-device-code"));
        assertThat(guessed.status()).as("%s", guessed).isEqualTo(404);
        assertThat(guessed.json().path("error").asText()).isEqualTo("not_found");

        assertThat(phone.device().claimQrChallenge(created.challengeId()).status()).isEqualTo(200);
        DeviceResponse secondClaim = other.device().claimQrChallenge(created.challengeId());
        assertThat(secondClaim.status()).as("%s", secondClaim).isEqualTo(409);
        assertThat(secondClaim.text("error")).isEqualTo("challenge_already_answered");
        DeviceResponse strangerApproval = other.device().updateChallenge(CredentialKind.QR_CODE,
                created.challengeId(), true, null);
        assertThat(strangerApproval.status()).as("%s", strangerApproval).isEqualTo(404);
        assertThat(kiosk.poll(created).flags()).containsExactly(true, false, false);

        assertThat(phone.device().updateChallenge(CredentialKind.QR_CODE, created.challengeId(), true, null).status())
                .isEqualTo(200);
        Answer polled = kiosk.poll(created);
        assertThat(polled.flags()).containsExactly(true, true, true);
        assertThat(server.validate(polled.json().path("accessToken").asText()).text("userId")).isEqualTo(phone.user());
    }

    // --- helpers ---------------------------------------------------------------------------------

    private record Enrolled(String user, SimulatedDevice device) {
    }

    private record Created(String challengeId, String deviceCode) {
    }

    private record Answer(int status, JsonNode json, String body) {

        /** isClaimed, isConsumed, isVerified. */
        Boolean[] flags() {
            return new Boolean[] {json.path("isClaimed").asBoolean(), json.path("isConsumed").asBoolean(),
                    json.path("isVerified").asBoolean()};
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** A fresh user with one QR-code credential. */
    private Enrolled enrolQrDevice(DeviceProfile profile) {
        String user = "user-" + UUID.randomUUID();
        SimulatedDevice device = SimulatedDevice.create(profile, stack.baseUrl(), stack.tenantId());
        ServerApi.Answer tracked = server.track(user, "enrol", "{\"scope\":\"add:authenticators\"}");
        assertThat(tracked.status()).as("%s", tracked).isEqualTo(200);
        DeviceResponse added = device.addCredential(CredentialKind.QR_CODE, tracked.text("token"));
        assertThat(added.status()).as("%s", added).isEqualTo(200);
        assertThat(added.text("userId")).isEqualTo(user);
        return new Enrolled(user, device);
    }

    /**
     * The browser SDK's polling kiosk (docs/protocol/wire.md#43-qr-by-polling): tenant Basic, a JSON body, behind a load balancer that
     * names its address in X-Forwarded-For (the edge is a trusted proxy, so the services believe it).
     */
    private final class Kiosk {

        final String address = "198.51.100." + ThreadLocalRandom.current().nextInt(1, 255);

        Created create(String action) {
            return create(tenantBasic(), action);
        }

        /** With a track token (the SDK's {@code setToken}) the challenge is for the tracked action. */
        Created create(String authorization, String action) {
            ObjectNode body = JSON.createObjectNode();
            if (action != null) {
                body.put("action", action);
            }
            Answer created = post("/client/challenge/qr-code", authorization, body);
            assertThat(created.status()).as("%s", created).isEqualTo(200);
            assertThat(created.json().path("deviceCode").asText()).isNotBlank();
            assertThat(created.json().path("expiresAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            return new Created(created.json().path("challengeId").asText(), created.json().path("deviceCode").asText());
        }

        Answer poll(Created created) {
            // Always tenant Basic, even when the challenge was made with a token (docs/protocol/wire.md#43-qr-by-polling).
            return post("/client/verify/qr-code", tenantBasic(), JSON.createObjectNode()
                    .put("challengeId", created.challengeId()).put("deviceCode", created.deviceCode()));
        }

        private String tenantBasic() {
            return "Basic " + Base64.getEncoder().encodeToString(stack.tenantId().getBytes(StandardCharsets.UTF_8));
        }

        private Answer post(String path, String authorization, JsonNode body) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + path))
                    .timeout(Duration.ofSeconds(15))
                    .header("Content-Type", "application/json")
                    .header("Authorization", authorization)
                    .header("User-Agent", KIOSK_AGENT)
                    .header("X-Forwarded-For", address)
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build();
            try {
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                JsonNode json;
                try {
                    json = JSON.readTree(response.body());
                } catch (IOException notJson) {
                    json = null;
                }
                return new Answer(response.statusCode(), json, response.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
