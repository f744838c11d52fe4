package dev.countersign.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.local.launcher.CountersignStack;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;

/**
 * Push notifications through APNs and FCM on the real stack: devices enrolled with the
 * newer SDKs' push token get exactly one well-formed notification each from Pushy's MockApnsServer
 * and a local FCM server ({@link PushProviders}), the delivery results show on get action, the
 * device still fetches and approves, and a token APNs reports unregistered is not used again.
 */
@ExtendWith(RunningStack.class)
class PushChannelsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void iosAndAndroidDeviceEachGetExactlyOneNotificationAndTheResultsShowOnGetAction(CountersignStack stack,
            PushProviders providers) {
        ServerApi server = new ServerApi(stack.baseUrl(), stack.secretKey());
        String user = "user-" + UUID.randomUUID();
        String iosToken = providers.registeredIosToken();
        String fcmToken = "fcm-e2e:" + UUID.randomUUID();
        SimulatedDevice iphone = SimulatedDevice.create(DeviceProfile.IOS_2_7, stack.baseUrl(), stack.tenantId());
        SimulatedDevice android = SimulatedDevice.create(DeviceProfile.ANDROID_3_8, stack.baseUrl(), stack.tenantId());
        String enrol = server.track(user, "enrolDevice", "{\"scope\":\"add:authenticators\"}").text("token");
        DeviceResponse iosAdded = iphone.addCredential(CredentialKind.PUSH, enrol, iosToken);
        assertThat(iosAdded.status()).as("%s", iosAdded).isEqualTo(200);
        DeviceResponse androidAdded = android.addCredential(CredentialKind.PUSH, enrol, fcmToken);
        assertThat(androidAdded.status()).as("%s", androidAdded).isEqualTo(200);
        awaitEnrolled(server, user);

        // The replica learns both devices from credential-events; a challenge started before that
        // would miss a target, so wait until a challenge reaches both.
        String challengeId = null;
        ServerApi.Answer signIn = null;
        for (int tries = 0; tries < 8 && challengeId == null; tries++) { // a user may start 10 pushes in 10 minutes
            signIn = server.track(user, "signIn", "{\"ipAddress\":\"198.51.100.21\"}");
            BrowserClient.Answer started = new BrowserClient(stack.baseUrl(), signIn.text("token")).challengePush("signIn");
            assertThat(started.status()).as("%s", started).isEqualTo(200);
            String candidate = started.text("challengeId");
            String key = signIn.text("idempotencyKey");
            await().atMost(WAIT).until(() -> deliveries(server, user, key).stream()
                    .anyMatch(d -> d.path("channel").asText().equals("webhook")));
            if (deliveries(server, user, key).stream().filter(d -> !d.path("channel").asText().equals("webhook"))
                    .count() == 2 || (!providers.apnsFor(candidate).isEmpty() && !providers.fcmFor(candidate).isEmpty())) {
                challengeId = candidate;
            } else {
                // Approved (a rejection would grow the user's push back-off).
                assertThat(iphone.updateChallenge(CredentialKind.PUSH, candidate, true, null).status()).isEqualTo(200);
                sleep(1000);
            }
        }
        assertThat(challengeId).as("a challenge reaching both devices").isNotNull();
        String found = challengeId;
        String idempotencyKey = signIn.text("idempotencyKey");

        await().atMost(WAIT).until(() -> providers.apnsFor(found).size() == 1 && providers.fcmFor(found).size() == 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> providers.apnsFor(found).size() == 1 && providers.fcmFor(found).size() == 1);
        PushProviders.ApnsReceived toIphone = providers.apnsFor(found).get(0);
        assertThat(toIphone.rejection()).isNull();
        assertThat(toIphone.path()).isEqualTo("/3/device/" + iosToken);
        assertThat(toIphone.topic()).isEqualTo(PushProviders.TOPIC);
        assertThat(toIphone.pushType()).isEqualTo("alert");
        assertThat(toIphone.collapseId()).isEqualTo(found);
        assertThat(toIphone.payload().path("aps").path("alert").path("title").asText()).isEqualTo("Sign-in request");
        assertThat(toIphone.payload().path("tenantId").asText()).isEqualTo(stack.tenantId());
        PushProviders.FcmReceived toAndroid = providers.fcmFor(found).get(0);
        assertThat(toAndroid.path()).isEqualTo("/v1/projects/" + PushProviders.PROJECT + "/messages:send");
        assertThat(toAndroid.authorization()).isEqualTo("Bearer " + PushProviders.ACCESS_TOKEN);
        JsonNode message = toAndroid.body().path("message");
        assertThat(message.path("token").asText()).isEqualTo(fcmToken);
        assertThat(message.path("data").path("tenantId").asText()).isEqualTo(stack.tenantId());
        assertThat(message.path("android").path("priority").asText()).isEqualTo("high");
        assertThat(message.path("notification").path("title").asText()).isEqualTo("Sign-in request");
        // Nothing the phone could answer with travels through Apple or Google.
        assertThat(toIphone.payload().toString() + message).doesNotContain(signIn.text("token"));

        await().atMost(WAIT).untilAsserted(() -> {
            List<JsonNode> results = deliveries(server, user, idempotencyKey);
            assertThat(results).filteredOn(d -> d.path("challengeId").asText().equals(found))
                    .extracting(d -> d.path("channel").asText() + "=" + d.path("status").asText())
                    .containsExactlyInAnyOrder("webhook=accepted", "apns=accepted", "fcm=accepted");
        });
        JsonNode apnsResult = deliveries(server, user, idempotencyKey).stream()
                .filter(d -> d.path("channel").asText().equals("apns")).findFirst().orElseThrow();
        assertThat(apnsResult.path("credentialId").asText()).isEqualTo(iosAdded.text("userAuthenticatorId"));
        assertThat(apnsResult.path("attempts").asInt()).isEqualTo(1);
        assertThat(apnsResult.path("done").asBoolean()).isTrue();
        assertThat(apnsResult.toString()).doesNotContain(iosToken);

        DeviceResponse fetched = android.getPushChallenge();
        assertThat(fetched.text("challengeId")).isEqualTo(found);
        assertThat(android.updateChallenge(CredentialKind.PUSH, found, true, null).status()).isEqualTo(200);
        await().atMost(WAIT).until(() -> "CHALLENGE_SUCCEEDED".equals(
                server.action(user, "signIn", idempotencyKey).text("state")));
    }

    @Test
    void aTokenApnsReportsUnregisteredIsMarkedAndNotUsedAgain(CountersignStack stack, PushProviders providers) {
        ServerApi server = new ServerApi(stack.baseUrl(), stack.secretKey());
        String user = "user-" + UUID.randomUUID();
        String deadToken = providers.unregisteredIosToken();
        SimulatedDevice iphone = SimulatedDevice.create(DeviceProfile.IOS_2_7, stack.baseUrl(), stack.tenantId());
        String enrol = server.track(user, "enrolDevice", "{\"scope\":\"add:authenticators\"}").text("token");
        assertThat(iphone.addCredential(CredentialKind.PUSH, enrol, deadToken).status()).isEqualTo(200);
        awaitEnrolled(server, user);

        List<String> reached = new ArrayList<>();
        boolean unregisteredSeen = false;
        String lastChallenge = null;
        // Until the replica knows the token, a push goes to the webhook only; then one reaches APNs,
        // which answers 410; after credential-service cleared the token, APNs is never asked again.
        for (int tries = 0; tries < 9; tries++) { // a user may start 10 pushes in 10 minutes
            ServerApi.Answer signIn = server.track(user, "signIn", "{\"ipAddress\":\"198.51.100.22\"}");
            BrowserClient.Answer started = new BrowserClient(stack.baseUrl(), signIn.text("token")).challengePush("signIn");
            assertThat(started.status()).as("%s", started).isEqualTo(200);
            String challengeId = started.text("challengeId");
            String key = signIn.text("idempotencyKey");
            await().atMost(WAIT).until(() -> deliveries(server, user, key).stream()
                    .anyMatch(d -> d.path("channel").asText().equals("webhook")));
            // The webhook and the devices are sent side by side: give APNs its moment too.
            sleep(1500);
            List<JsonNode> results = deliveries(server, user, key);
            boolean apnsAsked = !providers.apnsFor(challengeId).isEmpty();
            if (apnsAsked) {
                reached.add(challengeId);
                await().atMost(WAIT).until(() -> deliveries(server, user, key).stream()
                        .anyMatch(d -> d.path("channel").asText().equals("apns")
                                && d.path("status").asText().equals("unregistered")));
                assertThat(providers.apnsFor(challengeId)).singleElement()
                        .satisfies(r -> assertThat(r.rejection()).isEqualTo("UNREGISTERED"));
                unregisteredSeen = true;
            } else if (unregisteredSeen) {
                assertThat(results).noneMatch(d -> d.path("channel").asText().equals("apns"));
                lastChallenge = challengeId;
                // The device still fetches and answers the challenge its app was not woken for.
                assertThat(iphone.getPushChallenge().text("challengeId")).isEqualTo(challengeId);
                assertThat(iphone.updateChallenge(CredentialKind.PUSH, challengeId, true, null).status()).isEqualTo(200);
                break;
            }
            if (lastChallenge == null) {
                assertThat(iphone.updateChallenge(CredentialKind.PUSH, challengeId, true, null).status()).isEqualTo(200);
            }
            sleep(1000);
        }
        assertThat(unregisteredSeen).as("APNs answered Unregistered").isTrue();
        assertThat(lastChallenge).as("a later push no longer went to the dead token").isNotNull();
        // Pushes started before the clearing reached challenge-service may still have gone out.
        assertThat(reached).isNotEmpty();
    }

    /** challenge-service learns of credentials from credential-events; track's isEnrolled shows it has. */
    private static void awaitEnrolled(ServerApi server, String user) {
        await().atMost(WAIT).until(() -> server.track(user, "probe", "{}").json().path("isEnrolled").asBoolean());
    }

    private static List<JsonNode> deliveries(ServerApi server, String user, String idempotencyKey) {
        ServerApi.Answer action = server.action(user, "signIn", idempotencyKey);
        assertThat(action.status()).isEqualTo(200);
        List<JsonNode> results = new ArrayList<>();
        action.json().path("deliveries").forEach(results::add);
        return results;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
