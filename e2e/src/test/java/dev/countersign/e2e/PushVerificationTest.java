package dev.countersign.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.local.launcher.CountersignStack;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;

/**
 * Push verification through the edge and the three services, as the clients drive it
 * (docs/protocol/wire.md#45-end-to-end-sequences): the backend tracks, the browser starts the push challenge with the
 * track token and polls it, the phone fetches and answers it (signed), the backend validates the
 * access token. Then number matching (docs/protocol/decisions.md#12-number-matching), every refusal with the state left as it was,
 * and fifty devices answering one challenge at once.
 */
@ExtendWith(RunningStack.class)
class PushVerificationTest {

    private static final String IP_ADDRESS = "203.0.113.42";
    private static final String USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) countersign-e2e-browser";
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private CountersignStack stack;
    private ServerApi server;

    @BeforeEach
    void connect(CountersignStack stack) {
        this.stack = stack;
        server = new ServerApi(stack.baseUrl(), stack.secretKey());
    }

    // --- the whole flow, once per SDK profile ---------------------------------------------------

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void approveThenBrowserGetsAnAccessTokenThatValidatesAndLastVerifiedAtAppears(DeviceProfile profile) {
        Enrolled phone = enrolPushDevice(profile);
        String deviceId = UUID.randomUUID().toString();
        Tracked signIn = track(phone.user(), "signIn", "{\"ipAddress\":\"" + IP_ADDRESS + "\",\"userAgent\":\""
                + USER_AGENT + "\",\"deviceId\":\"" + deviceId + "\"}");
        BrowserClient browser = browser(signIn);

        BrowserClient.Answer started = browser.challengePush("signIn");
        assertThat(started.status()).as("%s", started).isEqualTo(200);
        assertThat(started.json().has("error")).isFalse();
        String challengeId = started.text("challengeId");
        assertThat(challengeId).isNotBlank();
        assertThat(started.json().path("deliveryResults")).extracting(r -> r.path("userAuthenticatorId").asText())
                .containsExactly(phone.credentialId());
        assertPending(browser, challengeId);

        DeviceResponse fetched = phone.device().getPushChallenge();
        assertThat(fetched.status()).as("%s", fetched).isEqualTo(200);
        assertThat(fetched.text("userAuthenticatorId")).isEqualTo(phone.credentialId());
        assertThat(fetched.text("challengeId")).isEqualTo(challengeId);
        assertThat(fetched.text("userId")).isEqualTo(phone.user());
        assertThat(fetched.text("actionCode")).isEqualTo("signIn");
        assertThat(fetched.text("idempotencyKey")).isEqualTo(signIn.idempotencyKey());
        assertThat(fetched.text("ipAddress")).isEqualTo(IP_ADDRESS);
        assertThat(fetched.text("userAgent")).isEqualTo(USER_AGENT);
        assertThat(fetched.text("deviceId")).isEqualTo(deviceId);
        if (fetched.json().hasNonNull("expiresAt")) {
            // Epoch seconds (docs/protocol/decisions.md#7-timestamps), a few minutes ahead.
            long expiresAt = fetched.json().get("expiresAt").asLong();
            long now = System.currentTimeMillis() / 1000;
            assertThat(expiresAt).isBetween(now, now + 3600);
        }

        DeviceResponse approved = phone.device().updateChallenge(CredentialKind.PUSH, challengeId, true, null);
        assertThat(approved.status()).as("%s", approved).isEqualTo(200);
        assertThat(approved.json().path("isVerified").asBoolean(false)).isTrue();

        BrowserClient.Answer verified = browser.verifyPush(challengeId);
        assertThat(verified.status()).as("%s", verified).isEqualTo(200);
        assertThat(verified.flag("isConsumed")).isTrue();
        assertThat(verified.flag("isVerified")).isTrue();
        String accessToken = verified.text("accessToken");
        assertThat(accessToken).isNotBlank().isNotEqualTo(signIn.token());

        ServerApi.Answer validated = server.validate(accessToken);
        assertThat(validated.status()).as("%s", validated).isEqualTo(200);
        assertThat(validated.json().path("isValid").asBoolean(false)).as("%s", validated).isTrue();
        assertThat(validated.text("state")).isEqualTo("CHALLENGE_SUCCEEDED");
        assertThat(validated.text("userId")).isEqualTo(phone.user());
        assertThat(validated.text("actionCode")).isEqualTo("signIn");
        assertThat(validated.text("idempotencyKey")).isEqualTo(signIn.idempotencyKey());
        assertThat(validated.text("verificationMethod")).isEqualTo("PUSH");
        assertThat(server.action(phone.user(), "signIn", signIn.idempotencyKey()).text("state"))
                .isEqualTo("CHALLENGE_SUCCEEDED");

        DeviceResponse afterwards = phone.device().getPushChallenge();
        assertThat(afterwards.status()).isEqualTo(200);
        assertThat(afterwards.text("userAuthenticatorId")).isEqualTo(phone.credentialId());
        assertThat(afterwards.text("challengeId")).as("an answered challenge is never offered again").isNull();

        // credential-service learns of the approval from challenge-events.
        await().atMost(PATIENCE).untilAsserted(() -> {
            DeviceResponse credential = phone.device().getCredential(CredentialKind.PUSH);
            assertThat(credential.text("lastVerifiedAt")).as("%s", credential)
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        });
        JsonNode listed = server.authenticators(phone.user()).json();
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("lastVerifiedAt").asText())
                .isEqualTo(phone.device().getCredential(CredentialKind.PUSH).text("lastVerifiedAt"));
    }

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void rejectThenBrowserSeesConsumedNotVerifiedAndTheActionFailed(DeviceProfile profile) {
        Enrolled phone = enrolPushDevice(profile);
        Tracked signIn = track(phone.user(), "signIn", "{}");
        BrowserClient browser = browser(signIn);
        String challengeId = startPush(browser);
        assertThat(phone.device().getPushChallenge().text("challengeId")).isEqualTo(challengeId);

        DeviceResponse rejected = phone.device().updateChallenge(CredentialKind.PUSH, challengeId, false, null);
        assertThat(rejected.status()).as("%s", rejected).isEqualTo(200);
        assertThat(rejected.json().has("isVerified")).isTrue();
        assertThat(rejected.json().get("isVerified").asBoolean(true)).isFalse();

        BrowserClient.Answer polled = browser.verifyPush(challengeId);
        assertThat(polled.status()).as("%s", polled).isEqualTo(200);
        assertThat(polled.flag("isConsumed")).isTrue();
        assertThat(polled.flag("isVerified")).isFalse();
        assertThat(polled.text("accessToken")).isNull();
        assertThat(polled.json().has("error")).isFalse();

        ServerApi.Answer validated = server.validate(signIn.token());
        assertThat(validated.json().path("isValid").asBoolean(true)).isFalse();
        assertThat(validated.text("state")).isEqualTo("CHALLENGE_FAILED");
        assertThat(server.action(phone.user(), "signIn", signIn.idempotencyKey()).text("state"))
                .isEqualTo("CHALLENGE_FAILED");
        assertThat(phone.device().getPushChallenge().text("challengeId")).isNull();
    }

    // --- number matching (docs/protocol/decisions.md#12-number-matching) ----------------------------------------------------------

    @ParameterizedTest
    @EnumSource(DeviceProfile.class)
    void numberMatchingWhenDeviceSendsTheShownCodeThenVerified(DeviceProfile profile) {
        Enrolled phone = enrolPushDevice(profile);
        Tracked signIn = track(phone.user(), "signIn", "{\"verificationCode\":true}");
        assertThat(signIn.verificationCode()).as("track shows the code to display").matches("\\d{2}");
        BrowserClient browser = browser(signIn);
        String challengeId = startPush(browser);

        DeviceResponse fetched = phone.device().getPushChallenge();
        assertThat(fetched.text("challengeId")).isEqualTo(challengeId);
        assertThat(fetched.body()).as("the device is never told the code itself")
                .doesNotContain("\"verificationCode\"");
        if (fetched.json().has("verificationCodeChoices")) {
            List<String> choices = new ArrayList<>();
            fetched.json().get("verificationCodeChoices").forEach(c -> choices.add(c.asText()));
            assertThat(choices).hasSize(3).doesNotHaveDuplicates().contains(signIn.verificationCode())
                    .allMatch(c -> c.matches("\\d{2}"));
        }

        DeviceResponse approved = phone.device().updateChallenge(CredentialKind.PUSH, challengeId, true,
                signIn.verificationCode());
        assertThat(approved.status()).as("%s", approved).isEqualTo(200);
        assertThat(approved.json().path("isVerified").asBoolean(false)).isTrue();
        BrowserClient.Answer verified = browser.verifyPush(challengeId);
        assertThat(verified.flag("isVerified")).as("%s", verified).isTrue();
        assertThat(server.validate(verified.text("accessToken")).text("state")).isEqualTo("CHALLENGE_SUCCEEDED");
    }

    @Test
    void numberMatchingWhenCodeWrongThenRefusedAndAfterThreeWrongCodesTheChallengeIsBurned() {
        Enrolled phone = enrolPushDevice(DeviceProfile.ANDROID_3_8);
        Tracked signIn = track(phone.user(), "signIn", "{\"verificationCode\":true}");
        BrowserClient browser = browser(signIn);
        String challengeId = startPush(browser);
        // A mistyped code, none of the offered choices: a wrong choice would burn the challenge at once.
        Set<String> offered = new HashSet<>();
        phone.device().getPushChallenge().json().path("verificationCodeChoices").forEach(c -> offered.add(c.asText()));
        String wrong = wrongCode(signIn.verificationCode(), offered);

        assertRefused(phone.device().updateChallenge(CredentialKind.PUSH, challengeId, true, wrong), 400, "invalid_request");
        assertPending(browser, challengeId);
        assertThat(phone.device().getPushChallenge().text("challengeId")).as("a wrong code does not consume it")
                .isEqualTo(challengeId);
        assertRefused(phone.device().updateChallenge(CredentialKind.PUSH, challengeId, true, wrong), 400, "invalid_request");
        assertRefused(phone.device().updateChallenge(CredentialKind.PUSH, challengeId, true, wrong), 410,
                "challenge_expired"); // the third wrong code burns it

        assertRefused(phone.device().updateChallenge(CredentialKind.PUSH, challengeId, true, signIn.verificationCode()),
                410, "challenge_expired");
        // A burned challenge polls like an expired one: 410, and never a token.
        BrowserClient.Answer polled = browser.verifyPush(challengeId);
        assertThat(polled.status()).as("%s", polled).isEqualTo(410);
        assertThat(polled.text("errorCode")).isEqualTo("challenge_expired");
        assertThat(polled.text("accessToken")).isNull();
        assertThat(server.validate(signIn.token()).json().path("isValid").asBoolean(true)).isFalse();
        assertThat(phone.device().getPushChallenge().text("challengeId")).isNull();
    }

    // --- signed fetch of newer SDKs (docs/protocol/wire.md#72-additions-of-the-newer-sdks) -----------------------------------------

    @Test
    void signedFetchWithTheServersNonceShowsThePendingChallenge() throws Exception {
        Enrolled phone = enrolPushDevice(DeviceProfile.ANDROID_3_8);
        String challengeId = startPush(browser(track(phone.user(), "signIn", "{}")));
        SimulatedDevice device = phone.device();
        String query = "?publicKey=" + device.publicKeyQueryValue(CredentialKind.PUSH);

        // Android 3.10+: POST …/challenge/sign with Basic and no body, then the GET carries the signature.
        DeviceResponse nonce = device.postRaw("/client/user-authenticators/push/challenge/sign" + query,
                device.basicAuthorization(), null);
        assertThat(nonce.status()).as("%s", nonce).isEqualTo(200);
        String message = nonce.text("message");
        assertThat(message).isNotBlank();

        HttpResponse<String> fetched = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/client/user-authenticators/push/challenge" + query))
                        .header("Authorization", device.basicAuthorization())
                        .header("X-Authsignal-Signature", device.sign(CredentialKind.PUSH, message))
                        .GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(fetched.statusCode()).as(fetched.body()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(fetched.body());
        assertThat(body.path("userAuthenticatorId").asText()).isEqualTo(phone.credentialId());
        assertThat(body.path("challengeId").asText()).isEqualTo(challengeId);
        assertThat(body.path("userId").asText()).isEqualTo(phone.user());
    }

    // --- refusals, each leaving the state as it was ------------------------------------------------

    @Test
    void approveWhenAlreadyApprovedThenConflictAndTheResultStands() {
        Enrolled phone = enrolPushDevice(DeviceProfile.IOS_2_7);
        Tracked signIn = track(phone.user(), "signIn", "{}");
        BrowserClient browser = browser(signIn);
        String challengeId = startPush(browser);
        assertThat(phone.device().updateChallenge(CredentialKind.PUSH, challengeId, true, null).status()).isEqualTo(200);

        assertRefused(phone.device().updateChallenge(CredentialKind.PUSH, challengeId, true, null), 409,
                "challenge_already_answered");
        assertRefused(phone.device().updateChallenge(CredentialKind.PUSH, challengeId, false, null), 409,
                "challenge_already_answered");

        BrowserClient.Answer verified = browser.verifyPush(challengeId);
        assertThat(verified.flag("isConsumed")).isTrue();
        assertThat(verified.flag("isVerified")).isTrue();
        assertThat(server.validate(verified.text("accessToken")).text("state")).isEqualTo("CHALLENGE_SUCCEEDED");
    }

    @Test
    void deviceOfAnotherUserSeesNoChallengeAndAnsweringItIsNotFound() {
        Enrolled phone = enrolPushDevice(DeviceProfile.ANDROID_3_8);
        Enrolled stranger = enrolPushDevice(DeviceProfile.IOS_2_7);
        BrowserClient browser = browser(track(phone.user(), "signIn", "{}"));
        String challengeId = startPush(browser);

        DeviceResponse seen = stranger.device().getPushChallenge();
        assertThat(seen.status()).as("%s", seen).isEqualTo(200);
        assertThat(seen.text("userAuthenticatorId")).isEqualTo(stranger.credentialId());
        assertThat(seen.text("challengeId")).isNull();
        assertRefused(stranger.device().updateChallenge(CredentialKind.PUSH, challengeId, true, null), 404, "not_found");
        assertRefused(stranger.device().updateChallenge(CredentialKind.PUSH, challengeId, false, null), 404, "not_found");

        assertPending(browser, challengeId);
        assertThat(phone.device().getPushChallenge().text("challengeId")).isEqualTo(challengeId);
        assertThat(phone.device().updateChallenge(CredentialKind.PUSH, challengeId, true, null).status()).isEqualTo(200);
    }

    @Test
    void answerWhenSignatureIsOverAnotherStringThenUnauthorized() {
        Enrolled phone = enrolPushDevice(DeviceProfile.ANDROID_3_8);
        BrowserClient browser = browser(track(phone.user(), "signIn", "{}"));
        String challengeId = startPush(browser);
        SimulatedDevice device = phone.device();

        assertRefused(device.updateChallengeWithSignature(CredentialKind.PUSH, challengeId, true, null,
                device.sign(CredentialKind.PUSH, challengeId + " ")), 401, "unauthorized");
        assertRefused(device.updateChallengeWithSignature(CredentialKind.PUSH, challengeId, true, null,
                device.sign(CredentialKind.PUSH, UUID.randomUUID().toString())), 401, "unauthorized");
        // Signed with the right message but the key of another feature of the same phone.
        assertRefused(device.updateChallengeWithSignature(CredentialKind.PUSH, challengeId, true, null,
                device.sign(CredentialKind.IN_APP, challengeId)), 401, "unauthorized");

        assertPending(browser, challengeId);
        assertThat(device.getPushChallenge().text("challengeId")).isEqualTo(challengeId);
        assertThat(device.updateChallenge(CredentialKind.PUSH, challengeId, true, null).status()).isEqualTo(200);
    }

    @Test
    void secondDeviceOfTheUserWhenTheFirstAlreadyAnsweredThenConflict() {
        Enrolled first = enrolPushDevice(DeviceProfile.ANDROID_3_8);
        SimulatedDevice second = SimulatedDevice.create(DeviceProfile.IOS_2_7, stack.baseUrl(), stack.tenantId());
        String secondId = enrol(second, first.user(), track(first.user(), "enrolDevice",
                "{\"scope\":\"add:authenticators\"}").token());
        awaitTargetable(first.user(), Map.of(first.device(), first.credentialId(), second, secondId));
        BrowserClient browser = browser(track(first.user(), "signIn", "{}"));
        BrowserClient.Answer started = browser.challengePush("signIn");
        assertThat(started.status()).as("%s", started).isEqualTo(200);
        String challengeId = started.text("challengeId");
        assertThat(started.json().path("deliveryResults")).extracting(r -> r.path("userAuthenticatorId").asText())
                .containsExactlyInAnyOrder(first.credentialId(), secondId);
        assertThat(second.getPushChallenge().text("challengeId")).isEqualTo(challengeId);

        assertThat(first.device().updateChallenge(CredentialKind.PUSH, challengeId, true, null).status()).isEqualTo(200);

        assertRefused(second.updateChallenge(CredentialKind.PUSH, challengeId, false, null), 409,
                "challenge_already_answered");
        assertRefused(second.updateChallenge(CredentialKind.PUSH, challengeId, true, null), 409,
                "challenge_already_answered");
        assertThat(second.getPushChallenge().text("challengeId")).isNull();
        BrowserClient.Answer verified = browser.verifyPush(challengeId);
        assertThat(verified.flag("isVerified")).as("%s", verified).isTrue();
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(first.device().getCredential(CredentialKind.PUSH).text("lastVerifiedAt")).isNotNull());
        assertThat(second.getCredential(CredentialKind.PUSH).text("lastVerifiedAt"))
                .as("only the approving credential was verified").isNull();
    }

    @Test
    void secondPushWhileOneIsPendingSupersedesTheFirst() {
        Enrolled phone = enrolPushDevice(DeviceProfile.ANDROID_3_8);
        BrowserClient firstTab = browser(track(phone.user(), "signIn", "{}"));
        String first = startPush(firstTab);
        BrowserClient secondTab = browser(track(phone.user(), "signIn", "{}"));

        String second = startPush(secondTab);

        BrowserClient.Answer ended = firstTab.verifyPush(first);
        assertThat(ended.status()).as("%s", ended).isEqualTo(410);
        assertThat(ended.text("error")).isEqualTo("challenge_expired");
        assertThat(ended.text("errorCode")).isEqualTo("challenge_expired");
        assertThat(ended.text("errorDescription")).isNotBlank();
        assertPending(secondTab, second);
        assertThat(phone.device().getPushChallenge().text("challengeId")).as("only the new one").isEqualTo(second);
        assertRefused(phone.device().updateChallenge(CredentialKind.PUSH, first, true, null), 410, "challenge_expired");

        DeviceResponse approved = phone.device().updateChallenge(CredentialKind.PUSH, second, true, null);
        assertThat(approved.status()).as("%s", approved).isEqualTo(200);
        BrowserClient.Answer verified = secondTab.verifyPush(second);
        assertThat(verified.flag("isVerified")).as("%s", verified).isTrue();
    }

    // --- fifty devices, one challenge ---------------------------------------------------------------

    @Test
    void fiftySimultaneousApprovalsOfOneChallengeThenExactlyOneSucceeds() throws Exception {
        int devices = 50;
        String user = "user-" + UUID.randomUUID();
        String token = track(user, "enrolDevice", "{\"scope\":\"add:authenticators\"}").token();
        List<SimulatedDevice> phones = new ArrayList<>();
        Map<SimulatedDevice, String> enrolled = new HashMap<>();
        for (int i = 0; i < devices; i++) {
            SimulatedDevice phone = SimulatedDevice.create(i % 2 == 0 ? DeviceProfile.ANDROID_3_8 : DeviceProfile.IOS_2_7,
                    stack.baseUrl(), stack.tenantId());
            enrolled.put(phone, enrol(phone, user, token));
            phones.add(phone);
        }
        Set<String> ids = new HashSet<>(enrolled.values());
        assertThat(ids).hasSize(devices);
        awaitTargetable(user, enrolled);
        Tracked signIn = track(user, "signIn", "{}");
        BrowserClient browser = browser(signIn);
        BrowserClient.Answer started = browser.challengePush("signIn");
        assertThat(started.status()).as("%s", started).isEqualTo(200);
        String challengeId = started.text("challengeId");
        Set<String> targeted = new HashSet<>();
        started.json().path("deliveryResults").forEach(r -> targeted.add(r.path("userAuthenticatorId").asText()));
        assertThat(targeted).as("the challenge targets every push credential of the user").isEqualTo(ids);

        ExecutorService pool = Executors.newFixedThreadPool(devices);
        List<DeviceResponse> answers = new ArrayList<>();
        try {
            CountDownLatch ready = new CountDownLatch(devices);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<DeviceResponse>> futures = new ArrayList<>();
            for (SimulatedDevice phone : phones) {
                // Signed before the start line, so the requests leave together.
                String signature = phone.sign(CredentialKind.PUSH, challengeId);
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return phone.updateChallengeWithSignature(CredentialKind.PUSH, challengeId, true, null, signature);
                }));
            }
            ready.await();
            go.countDown();
            for (Future<DeviceResponse> future : futures) {
                answers.add(future.get());
            }
        } finally {
            pool.shutdownNow();
        }

        Map<Integer, Long> byStatus = answers.stream()
                .collect(Collectors.groupingBy(DeviceResponse::status, Collectors.counting()));
        assertThat(byStatus).as("%s", answers.stream().filter(a -> a.status() != 409).toList())
                .containsExactlyInAnyOrderEntriesOf(Map.of(200, 1L, 409, (long) (devices - 1)));
        answers.stream().filter(a -> a.status() == 409)
                .forEach(a -> assertThat(a.text("error")).isEqualTo("challenge_already_answered"));
        BrowserClient.Answer verified = browser.verifyPush(challengeId);
        assertThat(verified.flag("isVerified")).as("%s", verified).isTrue();
        assertThat(server.validate(verified.text("accessToken")).text("state")).isEqualTo("CHALLENGE_SUCCEEDED");

        // Exactly the winner's credential gets lastVerifiedAt.
        int winner = answers.indexOf(answers.stream().filter(a -> a.status() == 200).findFirst().orElseThrow());
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(phones.get(winner).getCredential(CredentialKind.PUSH).text("lastVerifiedAt")).isNotNull());
        Function<JsonNode, Long> verifiedCount = list -> {
            long n = 0;
            for (JsonNode a : list) {
                n += a.hasNonNull("lastVerifiedAt") ? 1 : 0;
            }
            return n;
        };
        assertThat(verifiedCount.apply(server.authenticators(user).json())).isEqualTo(1);
    }

    // --- steps ----------------------------------------------------------------------------------------

    /**
     * Read your own writes: the add answered 200, so the very next requests see the credential,
     * however far its credential event has got. Repeated, since a lost race shows only sometimes.
     */
    @Test
    void pushStartedRightAfterEnrolmentReachesTheNewDeviceEveryTime() {
        DeviceProfile[] profiles = DeviceProfile.values();
        for (int attempt = 0; attempt < 5; attempt++) {
            String user = "user-" + UUID.randomUUID();
            SimulatedDevice device = SimulatedDevice.create(profiles[attempt % profiles.length], stack.baseUrl(),
                    stack.tenantId());
            String id = enrol(device, user, track(user, "enrol", "{\"scope\":\"add:authenticators\"}").token());

            ServerApi.Answer signIn = server.track(user, "signIn", "{}");
            assertThat(signIn.status()).as("attempt %d: %s", attempt, signIn).isEqualTo(200);
            assertThat(signIn.json().path("isEnrolled").asBoolean(false)).as("attempt %d: %s", attempt, signIn)
                    .isTrue();
            BrowserClient.Answer started = new BrowserClient(stack.baseUrl(), signIn.text("token"))
                    .challengePush("signIn");
            assertThat(started.status()).as("attempt %d: %s", attempt, started).isEqualTo(200);
            assertThat(started.json().path("deliveryResults")).extracting(r -> r.path("userAuthenticatorId").asText())
                    .containsExactly(id);
        }
    }

    private record Enrolled(String user, SimulatedDevice device, String credentialId) {
    }

    private record Tracked(String token, String idempotencyKey, String verificationCode) {
    }

    /** A fresh user with one push credential, known to challenge-service's replica. */
    private Enrolled enrolPushDevice(DeviceProfile profile) {
        String user = "user-" + UUID.randomUUID();
        SimulatedDevice device = SimulatedDevice.create(profile, stack.baseUrl(), stack.tenantId());
        String id = enrol(device, user, track(user, "enrol", "{\"scope\":\"add:authenticators\"}").token());
        awaitTargetable(user, Map.of(device, id));
        return new Enrolled(user, device, id);
    }

    private static String enrol(SimulatedDevice device, String user, String token) {
        DeviceResponse added = device.addCredential(CredentialKind.PUSH, token);
        assertThat(added.status()).as("%s", added).isEqualTo(200);
        assertThat(added.text("userId")).isEqualTo(user);
        assertThat(added.text("lastVerifiedAt")).isNull();
        return added.text("userAuthenticatorId");
    }

    /**
     * challenge-service targets the credentials its replica knows: it learns them from
     * credential-events, or reads one through from credential-service when that device first
     * fetches. Each device here fetches once, as an app does when it starts, so every credential is
     * known however far the events have got; {@code deliveryResults} then checks the targets.
     */
    private void awaitTargetable(String user, Map<SimulatedDevice, String> credentialIds) {
        assertThat(server.authenticators(user).json()).hasSize(credentialIds.size());
        credentialIds.forEach((device, id) -> {
            DeviceResponse fetched = device.getPushChallenge();
            assertThat(fetched.status()).as("%s", fetched).isEqualTo(200);
            assertThat(fetched.text("userAuthenticatorId")).isEqualTo(id);
        });
    }

    private Tracked track(String user, String action, String attributes) {
        ServerApi.Answer answer = server.track(user, action, attributes);
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        assertThat(answer.text("state")).isEqualTo("CHALLENGE_REQUIRED");
        return new Tracked(answer.text("token"), answer.text("idempotencyKey"), answer.text("verificationCode"));
    }

    private BrowserClient browser(Tracked tracked) {
        return new BrowserClient(stack.baseUrl(), tracked.token());
    }

    private static String startPush(BrowserClient browser) {
        BrowserClient.Answer started = browser.challengePush("signIn");
        assertThat(started.status()).as("%s", started).isEqualTo(200);
        assertThat(started.text("challengeId")).isNotBlank();
        return started.text("challengeId");
    }

    private static void assertPending(BrowserClient browser, String challengeId) {
        BrowserClient.Answer polled = browser.verifyPush(challengeId);
        assertThat(polled.status()).as("%s", polled).isEqualTo(200);
        assertThat(polled.json().has("error")).isFalse();
        assertThat(polled.flag("isConsumed")).as("%s", polled).isFalse();
        assertThat(polled.flag("isVerified")).isFalse();
        assertThat(polled.text("accessToken")).isNull();
    }

    private static String wrongCode(String right, Set<String> offered) {
        int code = Integer.parseInt(right);
        for (int step = 37; ; step++) {
            String wrong = Integer.toString(10 + (code - 10 + step) % 90);
            if (!offered.contains(wrong) && !wrong.equals(right)) {
                return wrong;
            }
        }
    }

    private static void assertRefused(DeviceResponse response, int status, String code) {
        assertThat(response.status()).as("%s", response).isEqualTo(status);
        assertThat(response.text("error")).as("%s", response).isEqualTo(code);
        assertThat(response.text("errorCode")).isEqualTo(code);
        assertThat(response.text("errorDescription")).isNotBlank();
    }
}
