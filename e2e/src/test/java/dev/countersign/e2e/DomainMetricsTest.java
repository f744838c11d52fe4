package dev.countersign.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.local.launcher.CountersignStack;
import dev.countersign.testkit.Metrics;
import dev.countersign.testkit.kiosk.KioskClientSocket;

/**
 * The domain metrics of docs/observability.md as the launched services serve them on their
 * management ports: a push, a kiosk QR code and an in-app verification, each approved and its
 * token validated, move each service's series by exactly what they did. Other tests share the
 * stack (one after the other), so the counts are deltas read around this test's own work.
 */
@ExtendWith(RunningStack.class)
class DomainMetricsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final String PUSH = CredentialKind.PUSH.wireName();
    private static final String QR = CredentialKind.QR_CODE.wireName();
    private static final String IN_APP = CredentialKind.IN_APP.wireName();

    @Test
    void pushQrAndInAppApprovalsMoveEachServicesDomainMetricsByExactlyWhatTheyDid(CountersignStack stack) {
        ServerApi server = new ServerApi(stack.baseUrl(), stack.secretKey());
        List<Integer> challengeService = List.of(stack.managementPorts().get("challenge-service"));
        List<Integer> credentialService = List.of(stack.managementPorts().get("credential-service"));
        List<Integer> notifiers = stack.notifierManagementPorts();
        assertThat(notifiers).as("the e2e stack runs two notifier replicas").hasSize(2);
        Metrics challengesBefore = Metrics.scrape(challengeService);
        Metrics credentialsBefore = Metrics.scrape(credentialService);
        Metrics notifiersBefore = Metrics.scrape(notifiers);

        // Push: enrolled, started in the browser, approved by the phone, the access token validated.
        String pushUser = "metrics-push-" + UUID.randomUUID();
        SimulatedDevice phone = enrol(server, stack, pushUser, CredentialKind.PUSH);
        BrowserClient browser = new BrowserClient(stack.baseUrl(), server.track(pushUser, "signIn", "{}").text("token"));
        BrowserClient.Answer started = browser.challengePush("signIn");
        assertThat(started.status()).as("%s", started).isEqualTo(200);
        String pushChallenge = started.text("challengeId");
        assertThat(phone.updateChallenge(CredentialKind.PUSH, pushChallenge, true, null).status()).isEqualTo(200);
        assertValid(server, browser.verifyPush(pushChallenge).text("accessToken"));

        // QR code: a kiosk socket creates it, a phone claims and approves it, the kiosk's token validated.
        SimulatedDevice scanner = enrol(server, stack, "metrics-qr-" + UUID.randomUUID(), CredentialKind.QR_CODE);
        // Read right before: a socket of an earlier test may still have been closing at the start.
        Metrics socketsBefore = Metrics.scrape(notifiers);
        try (KioskClientSocket kiosk = KioskClientSocket.open(stack.edgePort(),
                List.of("authsignal-ws", "x.authsignal.tenant." + stack.tenantId()),
                Map.of("X-Forwarded-For", "198.51.100.77", "User-Agent", "Mozilla/5.0 countersign-e2e-metrics"))) {
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                    Metrics.scrape(notifiers).since(socketsBefore, "countersign_kiosk_sockets_open")).isEqualTo(1));
            String qrChallenge = kiosk.createChallenge("kioskLogin", null).path("data").path("challengeId").asText();
            assertThat(scanner.claimQrChallenge(qrChallenge).status()).isEqualTo(200);
            assertThat(kiosk.next().path("data").path("state").asText()).isEqualTo("claimed");
            assertThat(scanner.updateChallenge(CredentialKind.QR_CODE, qrChallenge, true, null).status()).isEqualTo(200);
            JsonNode approved = kiosk.next();
            assertThat(approved.path("data").path("state").asText()).as("%s", approved).isEqualTo("approved");
            assertValid(server, approved.path("data").path("accessToken").asText());
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                Metrics.scrape(notifiers).since(socketsBefore, "countersign_kiosk_sockets_open")).isEqualTo(0));

        // In-app: the app asks for a challenge, signs it, its backend validates the token.
        SimulatedDevice app = enrol(server, stack, "metrics-in-app-" + UUID.randomUUID(), CredentialKind.IN_APP);
        DeviceResponse inAppChallenge = app.createInAppChallenge("transfer");
        assertThat(inAppChallenge.status()).as("%s", inAppChallenge).isEqualTo(200);
        DeviceResponse verified = app.verifyInApp(inAppChallenge.text("challengeId"));
        assertThat(verified.status()).as("%s", verified).isEqualTo(200);
        assertValid(server, verified.text("token"));

        Metrics challenges = Metrics.scrape(challengeService);
        for (String method : List.of(PUSH, QR, IN_APP)) {
            assertThat(challenges.since(challengesBefore, "countersign_challenges_created_total", "method", method))
                    .as("created, %s", method).isEqualTo(1);
            assertThat(challenges.since(challengesBefore, "countersign_challenges_ended_total", "method", method,
                    "outcome", "approved")).as("approved, %s", method).isEqualTo(1);
        }
        assertThat(challenges.since(challengesBefore, "countersign_token_validations_total", "result", "valid")).isEqualTo(3);
        assertThat(challenges.since(challengesBefore, "countersign_token_validations_total")).as("any result").isEqualTo(3);

        Metrics credentials = Metrics.scrape(credentialService);
        for (String kind : List.of(PUSH, QR, IN_APP)) {
            assertThat(credentials.since(credentialsBefore, "countersign_credentials_added_total", "kind", kind))
                    .as("added, %s", kind).isEqualTo(1);
        }

        // The push's webhook is delivered after the request answered. At least once: deliveries (and
        // retries, expiries) of earlier tests' challenges finish asynchronously and may land in the
        // same window, so only what is synchronous above is counted exactly.
        await().atMost(PATIENCE).untilAsserted(() -> {
            Metrics now = Metrics.scrape(notifiers);
            assertThat(now.since(notifiersBefore, "countersign_push_deliveries_total", "channel", "webhook", "result", "accepted"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(now.since(notifiersBefore, "countersign_webhook_attempts_total", "result", "accepted"))
                    .isGreaterThanOrEqualTo(1);
        });
    }

    private static SimulatedDevice enrol(ServerApi server, CountersignStack stack, String user, CredentialKind kind) {
        ServerApi.Answer tracked = server.track(user, "enrol", "{\"scope\":\"add:authenticators\"}");
        assertThat(tracked.status()).as("%s", tracked).isEqualTo(200);
        SimulatedDevice device = SimulatedDevice.create(DeviceProfile.ANDROID_3_8, stack.baseUrl(), stack.tenantId());
        DeviceResponse added = device.addCredential(kind, tracked.text("token"));
        assertThat(added.status()).as("%s", added).isEqualTo(200);
        return device;
    }

    private static void assertValid(ServerApi server, String token) {
        ServerApi.Answer validated = server.validate(token);
        assertThat(validated.status()).as("%s", validated).isEqualTo(200);
        assertThat(validated.json().path("isValid").asBoolean(false)).as("%s", validated).isTrue();
    }
}
