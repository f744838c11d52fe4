package dev.countersign.e2e;

import dev.countersign.testkit.kiosk.KioskClientSocket;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
 * QR-code verification through the kiosk WebSocket on the real services (docs/protocol/wire.md#45-end-to-end-sequences, "QR
 * anonymous"): a kiosk socket creates the challenge, a phone claims it (and sees the kiosk's
 * context), the kiosk sees {@code claimed}, the phone approves, the kiosk gets {@code approved}
 * with an access token the Server API validates as the phone's user. With two notifier replicas,
 * kiosks on each get their own events only. Plus the handshake refusals.
 */
@ExtendWith(RunningStack.class)
class KioskWebSocketTest {

    private static final String USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) countersign-e2e-kiosk";

    private CountersignStack stack;
    private ServerApi server;

    @BeforeEach
    void connect(CountersignStack stack) {
        this.stack = stack;
        server = new ServerApi(stack.baseUrl(), stack.secretKey());
    }

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void kioskChallengeClaimedAndApprovedThenTheAccessTokenValidatesAsThePhonesUser(DeviceProfile profile) {
        Phone phone = enrolQrPhone(profile);
        String address = kioskAddress();
        try (KioskClientSocket kiosk = kiosk(stack.edgePort(), address)) {
            JsonNode created = kiosk.createChallenge("kioskLogin", "{\"till\":7}");
            assertThat(created.path("type").asText()).as("%s", created).isEqualTo("CHALLENGE_CREATED");
            assertThat(created.path("data").path("state").asText()).isEqualTo("unclaimed");
            assertThat(created.path("data").path("challengeType").asText()).isEqualTo("QR_CODE");
            String challengeId = created.path("data").path("challengeId").asText();

            DeviceResponse claimed = phone.device().claimQrChallenge(challengeId);
            assertThat(claimed.status()).as("%s", claimed).isEqualTo(200);
            assertThat(claimed.json().path("success").asBoolean()).isTrue();
            assertThat(claimed.text("ipAddress")).isEqualTo(address);
            assertThat(claimed.text("userAgent")).isEqualTo(USER_AGENT);
            assertThat(claimed.text("actionCode")).isEqualTo("kioskLogin");
            assertThat(claimed.json().path("custom").path("till").asInt()).isEqualTo(7);

            assertStateChange(kiosk.next(), challengeId, "claimed");

            DeviceResponse approved = phone.device().updateChallenge(CredentialKind.QR_CODE, challengeId, true, null);
            assertThat(approved.status()).as("%s", approved).isEqualTo(200);
            assertThat(approved.json().path("isVerified").asBoolean()).isTrue();

            JsonNode result = kiosk.next();
            assertStateChange(result, challengeId, "approved");
            String accessToken = result.path("data").path("accessToken").asText();
            assertThat(accessToken).startsWith("eyJ");

            ServerApi.Answer validated = server.validate(accessToken);
            assertThat(validated.status()).as("%s", validated).isEqualTo(200);
            assertThat(validated.json().path("isValid").asBoolean()).as("%s", validated).isTrue();
            assertThat(validated.text("state")).isEqualTo("CHALLENGE_SUCCEEDED");
            assertThat(validated.text("userId")).isEqualTo(phone.user());
            assertThat(validated.text("actionCode")).isEqualTo("kioskLogin");
            assertThat(validated.text("verificationMethod")).isEqualTo("DEVICE");
            assertThat(kiosk.messages).isEmpty();

            // The socket stays open for the SDK's next challenge (docs/protocol/decisions.md#14-kiosk-websocket).
            assertThat(kiosk.createChallenge("kioskLogin", null).path("type").asText()).isEqualTo("CHALLENGE_CREATED");
        }
    }

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void kioskChallengeRejectedThenRejected(DeviceProfile profile) {
        Phone phone = enrolQrPhone(profile);
        try (KioskClientSocket kiosk = kiosk(stack.edgePort(), kioskAddress())) {
            String challengeId = kiosk.createChallenge("kioskLogin", null).path("data").path("challengeId").asText();
            assertThat(phone.device().claimQrChallenge(challengeId).status()).isEqualTo(200);
            assertStateChange(kiosk.next(), challengeId, "claimed");

            DeviceResponse rejected = phone.device().updateChallenge(CredentialKind.QR_CODE, challengeId, false, null);
            assertThat(rejected.status()).as("%s", rejected).isEqualTo(200);
            assertThat(rejected.json().path("isVerified").asBoolean(true)).isFalse();
            JsonNode result = kiosk.next();
            assertStateChange(result, challengeId, "rejected");
            assertThat(result.path("data").has("accessToken")).isFalse();
        }
    }

    @Test
    void trackTokenSocketThenTheChallengeBelongsToTheTrackedUserAndAction() {
        Phone phone = enrolQrPhone(DeviceProfile.ANDROID_3_8);
        ServerApi.Answer tracked = server.track(phone.user(), "kioskLogin", "{}");
        assertThat(tracked.status()).as("%s", tracked).isEqualTo(200);
        try (KioskClientSocket kiosk = KioskClientSocket.open(stack.edgePort(),
                List.of("authsignal-ws", "x.authsignal.token." + tracked.text("token")),
                Map.of("X-Forwarded-For", kioskAddress(), "User-Agent", USER_AGENT))) {
            JsonNode created = kiosk.createChallenge("kioskLogin", null);
            assertThat(created.path("type").asText()).as("%s", created).isEqualTo("CHALLENGE_CREATED");
            String challengeId = created.path("data").path("challengeId").asText();
            assertThat(phone.device().claimQrChallenge(challengeId).status()).isEqualTo(200);
            assertStateChange(kiosk.next(), challengeId, "claimed");
            assertThat(phone.device().updateChallenge(CredentialKind.QR_CODE, challengeId, true, null).status()).isEqualTo(200);
            JsonNode result = kiosk.next();
            assertStateChange(result, challengeId, "approved");
            ServerApi.Answer validated = server.validate(result.path("data").path("accessToken").asText());
            assertThat(validated.text("userId")).isEqualTo(phone.user());
            assertThat(validated.text("idempotencyKey")).isEqualTo(tracked.text("idempotencyKey"));
        }
    }

    @Test
    void twoNotifierReplicasKiosksOnEachGetTheirOwnEventsAndNeverAnothers() {
        List<Integer> replicas = stack.notifierPorts();
        assertThat(replicas).as("the e2e stack runs two notifier replicas").hasSize(2);
        Phone first = enrolQrPhone(DeviceProfile.ANDROID_3_8);
        Phone second = enrolQrPhone(DeviceProfile.IOS_2_7);
        try (KioskClientSocket onA = kiosk(replicas.get(0), kioskAddress()); KioskClientSocket onB = kiosk(replicas.get(1), kioskAddress())) {
            String a = onA.createChallenge("kioskLogin", null).path("data").path("challengeId").asText();
            String b = onB.createChallenge("kioskLogin", null).path("data").path("challengeId").asText();

            // B's challenge first: replica A sees its events too (every replica sees every event) and must keep quiet.
            assertThat(second.device().claimQrChallenge(b).status()).isEqualTo(200);
            assertStateChange(onB.next(), b, "claimed");
            assertThat(first.device().claimQrChallenge(a).status()).isEqualTo(200);
            assertStateChange(onA.next(), a, "claimed");

            assertThat(second.device().updateChallenge(CredentialKind.QR_CODE, b, true, null).status()).isEqualTo(200);
            JsonNode approvedB = onB.next();
            assertStateChange(approvedB, b, "approved");
            assertThat(first.device().updateChallenge(CredentialKind.QR_CODE, a, false, null).status()).isEqualTo(200);
            assertStateChange(onA.next(), a, "rejected");

            assertThat(server.validate(approvedB.path("data").path("accessToken").asText()).text("userId")).isEqualTo(second.user());
            // A's rejection was A's last event; B's approval B's: nothing else arrived anywhere.
            assertThat(onA.messages).isEmpty();
            assertThat(onB.messages).isEmpty();
        }
    }

    @Test
    void handshakeWithoutAuthsignalWsOrWithABadTenantOrTokenIsRefused() {
        for (int port : List.of(stack.edgePort(), stack.notifierPorts().get(1))) {
            String tenant = "x.authsignal.tenant." + stack.tenantId();
            assertThat(KioskClientSocket.refusal(port, List.of(tenant))).as("no authsignal-ws").isEqualTo(400);
            assertThat(KioskClientSocket.refusal(port, List.of("authsignal-ws"))).as("no tenant").isEqualTo(401);
            assertThat(KioskClientSocket.refusal(port, List.of("authsignal-ws", "x.authsignal.tenant.no-such-tenant")))
                    .as("unknown tenant").isEqualTo(401);
            assertThat(KioskClientSocket.refusal(port, List.of("authsignal-ws", "x.authsignal.token.eyJhbGciOiJFUzI1NiJ9.e30.AAAA", tenant)))
                    .as("forged token").isEqualTo(401);
        }
    }

    @Test
    void aChallengeCreatedByAnotherSocketIsNeverReported() {
        Phone phone = enrolQrPhone(DeviceProfile.ANDROID_3_8);
        try (KioskClientSocket owner = kiosk(stack.edgePort(), kioskAddress()); KioskClientSocket bystander = kiosk(stack.edgePort(), kioskAddress())) {
            String challengeId = owner.createChallenge("kioskLogin", null).path("data").path("challengeId").asText();
            String own = bystander.createChallenge("kioskLogin", null).path("data").path("challengeId").asText();
            assertThat(phone.device().claimQrChallenge(challengeId).status()).isEqualTo(200);
            assertStateChange(owner.next(), challengeId, "claimed");
            assertThat(phone.device().updateChallenge(CredentialKind.QR_CODE, challengeId, true, null).status()).isEqualTo(200);
            assertStateChange(owner.next(), challengeId, "approved");
            // The bystander's own challenge, answered after: its first message is about its own id.
            Phone other = enrolQrPhone(DeviceProfile.IOS_2_7);
            assertThat(other.device().claimQrChallenge(own).status()).isEqualTo(200);
            assertStateChange(bystander.next(), own, "claimed");
            assertThat(bystander.messages).isEmpty();
        }
    }

    private static void assertStateChange(JsonNode message, String challengeId, String state) {
        assertThat(message.path("type").asText()).as("%s", message).isEqualTo("STATE_CHANGE");
        assertThat(message.path("data").path("challengeId").asText()).as("%s", message).isEqualTo(challengeId);
        assertThat(message.path("data").path("state").asText()).as("%s", message).isEqualTo(state);
    }

    private KioskClientSocket kiosk(int port, String address) {
        KioskClientSocket socket = KioskClientSocket.open(port, List.of("authsignal-ws", "x.authsignal.tenant." + stack.tenantId()),
                Map.of("X-Forwarded-For", address, "User-Agent", USER_AGENT));
        assertThat(socket.socket.subProtocol()).isEqualTo("authsignal-ws");
        return socket;
    }

    /** Each kiosk its own documentation address, so the per-address budget of anonymous challenges is not shared. */
    private static String kioskAddress() {
        return "198.51.100." + ThreadLocalRandom.current().nextInt(1, 255);
    }

    private record Phone(String user, SimulatedDevice device) {
    }

    private Phone enrolQrPhone(DeviceProfile profile) {
        String user = "kiosk-user-" + UUID.randomUUID();
        ServerApi.Answer enrolment = server.track(user, "enrol", "{\"scope\":\"add:authenticators\"}");
        assertThat(enrolment.status()).as("%s", enrolment).isEqualTo(200);
        SimulatedDevice device = SimulatedDevice.create(profile, stack.baseUrl(), stack.tenantId());
        DeviceResponse added = device.addCredential(CredentialKind.QR_CODE, enrolment.text("token"));
        assertThat(added.status()).as("%s", added).isEqualTo(200);
        return new Phone(user, device);
    }
}
