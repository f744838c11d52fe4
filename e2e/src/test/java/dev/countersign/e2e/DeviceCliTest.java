package dev.countersign.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * The README's manual push approval, run with exactly its device CLI commands against the real
 * stack: {@code enroll --token}, {@code credential}, {@code pending}, {@code approve} (answering the
 * number-matching question on standard input), {@code reject}, {@code remove}. The key file is kept
 * between commands as it would be between a person's invocations.
 */
@ExtendWith(RunningStack.class)
class DeviceCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private record Run(int exitCode, String out, String err) {

        JsonNode json() {
            // The answer is the last JSON object printed (context lines come first).
            int start = out.indexOf("{");
            try {
                return JSON.readTree(out.substring(start));
            } catch (Exception e) {
                throw new AssertionError("No JSON in: " + out, e);
            }
        }
    }

    private Run device(CountersignStack stack, String stdin, String profile, String... command) {
        List<String> args = new ArrayList<>(List.of("--base-url", stack.baseUrl(), "--tenant", stack.tenantId(),
                "--profile", profile, "--keys", home.resolve("countersign-device.keys").toString()));
        args.addAll(List.of(command));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = DeviceCli.run(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void manualPushApprovalWithNumberMatchingThenRejectThenRemove(CountersignStack stack) throws Exception {
        ServerApi server = new ServerApi(stack.baseUrl(), stack.secretKey());
        String user = "alice-" + UUID.randomUUID();

        Run enrolled = device(stack, "", "android", "enroll", "--token",
                server.track(user, "enrolDevice", "{}").text("token"));
        assertThat(enrolled.exitCode()).as("%s", enrolled).isZero();
        String credentialId = enrolled.json().path("userAuthenticatorId").asText();
        assertThat(Files.readString(home.resolve("countersign-device.keys"))).contains("push=", "qr-code=", "in-app=");

        Run credential = device(stack, "", "android", "credential");
        assertThat(credential.json().path("userAuthenticatorId").asText()).isEqualTo(credentialId);

        // A sign-in with number matching: the relying party shows the code, the person types it.
        // challenge-service learns of the credential from credential-events.
        await().atMost(Duration.ofSeconds(20)).until(
                () -> server.track(user, "probe", "{}").json().path("isEnrolled").asBoolean(false));
        ServerApi.Answer signIn = server.track(user, "signIn", "{\"verificationCode\": true}");
        String code = signIn.text("verificationCode");
        assertThat(code).matches("\\d\\d");
        BrowserClient browser = new BrowserClient(stack.baseUrl(), signIn.text("token"));
        BrowserClient.Answer started = browser.challengePush("signIn");
        assertThat(started.status()).as("%s", started).isEqualTo(200);
        String challengeId = started.text("challengeId");

        Run pending = device(stack, "", "android", "pending");
        assertThat(pending.exitCode()).as("%s", pending).isZero();
        assertThat(pending.json().path("challengeId").asText()).isEqualTo(challengeId);
        assertThat(pending.json().path("actionCode").asText()).isEqualTo("signIn");

        Run approved = device(stack, code + "\n", "android", "approve");
        assertThat(approved.exitCode()).as("%s", approved).isZero();
        assertThat(approved.out()).contains("Enter the number");
        assertThat(approved.json().path("isVerified").asBoolean(false)).isTrue();
        BrowserClient.Answer verified = browser.verifyPush(challengeId);
        assertThat(verified.flag("isVerified")).as("%s", verified).isTrue();

        // The same phone as the iOS SDK speaks (same keys): reject the next one.
        ServerApi.Answer second = server.track(user, "signIn", "{}");
        BrowserClient secondBrowser = new BrowserClient(stack.baseUrl(), second.text("token"));
        String secondId = secondBrowser.challengePush("signIn").text("challengeId");
        Run rejected = device(stack, "", "ios", "reject", secondId);
        assertThat(rejected.exitCode()).as("%s", rejected).isZero();
        assertThat(rejected.json().path("isVerified").asBoolean(true)).isFalse();

        Run removed = device(stack, "", "android", "remove");
        assertThat(removed.json().path("removedAuthenticatorId").asText()).isEqualTo(credentialId);
        Run gone = device(stack, "", "android", "credential");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.json().path("error").asText()).isEqualTo("invalid_credential");
    }
}
