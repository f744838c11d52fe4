package dev.countersign.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.devicecli.DeviceCli;
import dev.countersign.local.launcher.CountersignStack;

/**
 * The README's manual push approval, QR-code approval and in-app verification ("A phone on the
 * command line"), run with exactly its device CLI commands against the real stack: each command
 * is written here as the README writes it (placeholders such as {@code <token>} filled in), and
 * the test fails unless the commands it ran are the README's, in the README's order. The curl
 * calls around them (track, the browser's push calls, the polling kiosk, validate) are made with
 * the same methods, paths, Authorization schemes and bodies. The key file is kept between commands
 * as between a person's invocations.
 */
@ExtendWith(RunningStack.class)
class DeviceCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path README = Path.of(System.getProperty("countersign.project-root", "..")).resolve("README.md");

    @TempDir
    Path home;

    private CountersignStack stack;
    private final List<String> readmeCommandsRun = new ArrayList<>();

    private record Run(int exitCode, String out, String err) {

        JsonNode json() {
            // The answer is the JSON object printed last (context lines come first, without braces).
            int start = out.indexOf("{");
            try {
                return JSON.readTree(out.substring(start));
            } catch (Exception e) {
                throw new AssertionError("No JSON in: " + out, e);
            }
        }
    }

    /**
     * One {@code device …} line of the README, written exactly as there (global options come from
     * the environment in the README, from the stack here); each {@code <placeholder>} is filled
     * with the next value.
     */
    private Run readme(String stdin, String command, String... values) {
        readmeCommandsRun.add(command);
        String filled = command;
        for (String value : values) {
            int open = filled.indexOf('<');
            int close = filled.indexOf('>', open);
            assertThat(open).as("placeholder for %s in %s", value, command).isNotNegative();
            filled = filled.substring(0, open) + value + filled.substring(close + 1);
        }
        assertThat(filled).as("every placeholder filled").doesNotContain("<");
        return device(stdin, "android", filled.split("\\s+"));
    }

    private Run device(String stdin, String profile, String... command) {
        List<String> args = new ArrayList<>(List.of("--base-url", stack.baseUrl(), "--tenant", stack.tenantId(),
                "--profile", profile, "--keys", home.resolve("countersign-device.keys").toString()));
        args.addAll(List.of(command));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = DeviceCli.run(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    /** The {@code device …} commands in the README's code blocks of the CLI section, without comments. */
    private static List<String> readmeCommands() throws IOException {
        String readme = Files.readString(README);
        int start = readme.indexOf("### A phone on the command line");
        int end = readme.indexOf("\n## ", start);
        assertThat(start).as("README section").isNotNegative();
        List<String> commands = new ArrayList<>();
        boolean inBlock = false;
        for (String line : readme.substring(start, end).split("\n")) {
            if (line.startsWith("```")) {
                inBlock = !inBlock;
            } else if (inBlock && line.startsWith("device ")) {
                int comment = line.indexOf(" #");
                String command = (comment < 0 ? line : line.substring(0, comment)).strip();
                commands.add(command.substring("device ".length()).replaceAll("\\s+", " "));
            }
        }
        return commands;
    }

    @Test
    void theReadmesPushQrAndInAppWalkthroughsWithExactlyItsCommands(CountersignStack stack) throws Exception {
        this.stack = stack;
        ServerApi server = new ServerApi(stack.baseUrl(), stack.secretKey());
        String kioskAuthorization = "Basic " + Base64.getEncoder().encodeToString(
                stack.tenantId().getBytes(StandardCharsets.UTF_8));
        String alice = "alice-" + UUID.randomUUID();

        // --- push approval ------------------------------------------------------------------------
        Run enrolled = readme("", "enroll --token <token>", server.track(alice, "enrolDevice", "{}").text("token"));
        assertThat(enrolled.exitCode()).as("%s", enrolled).isZero();
        String pushCredentialId = enrolled.json().path("userAuthenticatorId").asText();
        assertThat(Files.readString(home.resolve("countersign-device.keys"))).contains("push=", "qr-code=", "in-app=");

        Run credential = readme("", "credential");
        assertThat(credential.json().path("userAuthenticatorId").asText()).isEqualTo(pushCredentialId);

        // challenge-service learns of the credential from credential-events.
        await().atMost(Duration.ofSeconds(20)).until(
                () -> server.track(alice, "probe", "{}").json().path("isEnrolled").asBoolean(false));
        ServerApi.Answer signIn = server.track(alice, "signIn", "{\"verificationCode\": true}");
        String code = signIn.text("verificationCode");
        assertThat(code).matches("\\d\\d");
        BrowserClient browser = new BrowserClient(stack.baseUrl(), signIn.text("token"));
        BrowserClient.Answer started = browser.challengePush("signIn");
        assertThat(started.status()).as("%s", started).isEqualTo(200);
        String challengeId = started.text("challengeId");

        Run pending = readme("", "pending");
        assertThat(pending.exitCode()).as("%s", pending).isZero();
        assertThat(pending.json().path("challengeId").asText()).isEqualTo(challengeId);
        assertThat(pending.json().path("actionCode").asText()).isEqualTo("signIn");

        // The person types the number the relying party shows.
        Run approved = readme(code + "\n", "approve");
        assertThat(approved.exitCode()).as("%s", approved).isZero();
        assertThat(approved.out()).contains("Enter the number");
        assertThat(approved.json().path("isVerified").asBoolean(false)).isTrue();
        BrowserClient.Answer verified = browser.verifyPush(challengeId);
        assertThat(verified.flag("isVerified")).as("%s", verified).isTrue();
        assertThat(verified.text("accessToken")).isNotBlank();

        // --- QR-code approval, the kiosk polling ------------------------------------------------------
        ServerApi.Answer enrolQr = server.track(alice, "enrolQr", "{\"scope\": \"add:authenticators\"}");
        Run qrEnrolled = readme("", "enroll --kind qr-code --token <token>", enrolQr.text("token"));
        assertThat(qrEnrolled.exitCode()).as("%s", qrEnrolled).isZero();
        assertThat(qrEnrolled.json().path("userId").asText()).isEqualTo(alice);

        ServerApi.Answer kiosk = server.sendAs(kioskAuthorization, "POST", "/client/challenge/qr-code",
                "{\"action\": \"kioskLogin\"}");
        assertThat(kiosk.status()).as("%s", kiosk).isEqualTo(200);
        String qrChallengeId = kiosk.text("challengeId");
        String deviceCode = kiosk.text("deviceCode");

        Run claimed = readme("", "claim <challengeId>", qrChallengeId);
        assertThat(claimed.exitCode()).as("%s", claimed).isZero();
        assertThat(claimed.out()).contains("Sign-in at a kiosk: action kioskLogin from ", "(countersign-e2e)");
        assertThat(claimed.json().path("success").asBoolean(false)).isTrue();
        assertThat(claimed.json().path("ipAddress").asText()).isNotBlank();

        Run qrApproved = readme("", "approve --qr <challengeId>", qrChallengeId);
        assertThat(qrApproved.exitCode()).as("%s", qrApproved).isZero();
        assertThat(qrApproved.json().path("isVerified").asBoolean(false)).isTrue();

        ServerApi.Answer polled = server.sendAs(kioskAuthorization, "POST", "/client/verify/qr-code",
                "{\"challengeId\": \"" + qrChallengeId + "\", \"deviceCode\": \"" + deviceCode + "\"}");
        assertThat(polled.status()).as("%s", polled).isEqualTo(200);
        assertThat(polled.json().path("isClaimed").asBoolean(false)).isTrue();
        assertThat(polled.json().path("isConsumed").asBoolean(false)).isTrue();
        assertThat(polled.json().path("isVerified").asBoolean(false)).isTrue();
        ServerApi.Answer qrValid = server.validate(polled.text("accessToken"));
        assertThat(qrValid.json().path("isValid").asBoolean(false)).as("%s", qrValid).isTrue();
        assertThat(qrValid.text("userId")).isEqualTo(alice);
        assertThat(qrValid.text("actionCode")).isEqualTo("kioskLogin");

        // --- in-app verification ---------------------------------------------------------------------
        ServerApi.Answer enrolApp = server.track(alice, "enrolApp", "{\"scope\": \"add:authenticators\"}");
        Run appEnrolled = readme("", "enroll --kind in-app --token <token>", enrolApp.text("token"));
        assertThat(appEnrolled.exitCode()).as("%s", appEnrolled).isZero();
        String appCredentialId = appEnrolled.json().path("userAuthenticatorId").asText();

        Run inApp = readme("", "in-app transfer");
        assertThat(inApp.exitCode()).as("%s", inApp).isZero();
        assertThat(inApp.json().path("userId").asText()).isEqualTo(alice);
        assertThat(inApp.json().path("userAuthenticatorId").asText()).isEqualTo(appCredentialId);
        String appToken = inApp.json().path("token").asText();
        ServerApi.Answer appValid = server.send("POST", "/validate",
                "{\"token\": \"" + appToken + "\", \"action\": \"transfer\"}");
        assertThat(appValid.json().path("isValid").asBoolean(false)).as("%s", appValid).isTrue();
        assertThat(appValid.text("userId")).isEqualTo(alice);
        ServerApi.Answer otherAction = server.send("POST", "/validate",
                "{\"token\": \"" + appToken + "\", \"action\": \"signIn\"}");
        assertThat(otherAction.json().path("isValid").asBoolean(true)).as("%s", otherAction).isFalse();

        assertThat(readmeCommandsRun).as("the README's device commands, in order").isEqualTo(readmeCommands());

        // --- beyond the walkthroughs: the same keys as the iOS SDK rejects a push; removal -------------
        ServerApi.Answer second = server.track(alice, "signIn", "{}");
        BrowserClient secondBrowser = new BrowserClient(stack.baseUrl(), second.text("token"));
        String secondId = secondBrowser.challengePush("signIn").text("challengeId");
        Run rejected = device("", "ios", "reject", secondId);
        assertThat(rejected.exitCode()).as("%s", rejected).isZero();
        assertThat(rejected.json().path("isVerified").asBoolean(true)).isFalse();

        Run removed = device("", "android", "remove");
        assertThat(removed.json().path("removedAuthenticatorId").asText()).isEqualTo(pushCredentialId);
        Run gone = device("", "android", "credential");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.json().path("error").asText()).isEqualTo("invalid_credential");
    }
}
