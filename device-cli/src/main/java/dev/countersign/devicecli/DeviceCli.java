package dev.countersign.devicecli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.device.attestation.AppAttestAuthority;
import dev.countersign.device.attestation.PlayIntegrityAuthority;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A phone on the command line: device-simulator's {@link SimulatedDevice} (real P-256 keys, the exact
 * requests of the Android 3.8 or iOS 2.7 SDK) with its keys kept in a local file, so a developer or an operator
 * can enrol and answer challenges by hand against any Countersign. Every command prints the
 * server's JSON answer; a refusal exits with status 1.
 */
@Command(name = "countersign-device", mixinStandardHelpOptions = true,
        description = "A test phone for Countersign (Authsignal-compatible device API).",
        subcommands = {DeviceCli.Enroll.class, DeviceCli.Credential.class, DeviceCli.Remove.class,
                DeviceCli.Pending.class, DeviceCli.Approve.class, DeviceCli.Reject.class, DeviceCli.Claim.class,
                DeviceCli.InApp.class, DeviceCli.TestAuthorities.class})
public class DeviceCli {

    @Option(names = "--base-url", defaultValue = "${env:COUNTERSIGN_BASE_URL:-http://127.0.0.1:8080/v1}",
            description = "Countersign's public base URL, ending in /v1 (env COUNTERSIGN_BASE_URL; default ${DEFAULT-VALUE}).")
    String baseUrl;

    @Option(names = "--tenant", defaultValue = "${env:COUNTERSIGN_TENANT_ID:-demo}",
            description = "Tenant id (env COUNTERSIGN_TENANT_ID; default ${DEFAULT-VALUE}).")
    String tenant;

    @Option(names = "--profile", defaultValue = "android",
            description = "SDK to imitate: android (3.8.0) or ios (2.7.0); default ${DEFAULT-VALUE}.")
    String profile;

    @Option(names = "--keys", defaultValue = "${env:COUNTERSIGN_DEVICE_KEYS:-countersign-device.keys}",
            description = "Key file, created on first use (env COUNTERSIGN_DEVICE_KEYS; default ${DEFAULT-VALUE}).")
    Path keys;

    private final BufferedReader in;
    private PrintWriter out;

    public DeviceCli(InputStream in) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    public static void main(String[] args) {
        System.exit(run(System.in, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8), args));
    }

    /** Runs one command; the exit code (0 success, 1 refused by the server, 2 usage). */
    public static int run(InputStream in, PrintWriter out, PrintWriter err, String... args) {
        DeviceCli cli = new DeviceCli(in);
        cli.out = out;
        CommandLine line = new CommandLine(cli);
        line.setOut(out);
        line.setErr(err);
        line.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            err.println("error: " + e.getMessage());
            return 2;
        });
        return line.execute(args);
    }

    SimulatedDevice device() {
        return SimulatedDevice.withKeys(deviceProfile(), baseUrl, tenant, KeyFile.loadOrCreate(keys));
    }

    boolean ios() {
        return deviceProfile() == DeviceProfile.IOS_2_7;
    }

    private DeviceProfile deviceProfile() {
        return switch (profile.toLowerCase(Locale.ROOT)) {
            case "android" -> DeviceProfile.ANDROID_3_8;
            case "ios" -> DeviceProfile.IOS_2_7;
            default -> throw new IllegalArgumentException("--profile must be android or ios");
        };
    }

    /** Prints the answer; 0 when the server accepted the call. */
    int print(DeviceResponse response) {
        out.println(response.json() != null ? response.json().toPrettyString() : response.body());
        out.flush();
        return response.isSuccess() ? 0 : 1;
    }

    void say(String line) {
        out.println(line);
        out.flush();
    }

    String ask(String question) {
        say(question);
        try {
            String answer = in.readLine();
            return answer == null ? "" : answer.strip();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the answer", e);
        }
    }

    static CredentialKind kind(String feature) {
        return CredentialKind.fromWireName(feature)
                .orElseThrow(() -> new IllegalArgumentException("--kind must be push, qr-code or in-app"));
    }

    /** A challenge id, or a scanned QR payload holding one (a URL with ?challengeId= or ending in it). */
    static String challengeIdOf(String idOrPayload) {
        String value = idOrPayload.strip();
        try {
            URI uri = URI.create(value);
            if (uri.getRawQuery() != null) {
                for (String pair : uri.getRawQuery().split("&")) {
                    if (pair.startsWith("challengeId=")) {
                        return java.net.URLDecoder.decode(pair.substring("challengeId=".length()), StandardCharsets.UTF_8);
                    }
                }
            }
            if (uri.getScheme() != null && uri.getPath() != null && uri.getPath().contains("/")) {
                return uri.getPath().substring(uri.getPath().lastIndexOf('/') + 1);
            }
        } catch (IllegalArgumentException e) {
            // Not a URI: taken as the id itself.
        }
        return value;
    }

    abstract static class Sub implements Callable<Integer> {

        @CommandLine.ParentCommand
        DeviceCli cli;
    }

    @Command(name = "enroll", mixinStandardHelpOptions = true, description = "Enrol this device's key with a track token (the add-credential call).")
    static class Enroll extends Sub {

        @Option(names = "--token", required = true, description = "Track token from the Server API's track.")
        String token;

        @Option(names = "--kind", defaultValue = "push", description = "push, qr-code or in-app; default ${DEFAULT-VALUE}.")
        String kind;

        @Option(names = "--attest", paramLabel = "APP", description = "Send a synthetic attestation from device-simulator's"
                + " test authorities, over a nonce asked for first: with --profile ios an App Attest statement for the app id"
                + " APP (<teamId>.<bundleId>), with android a Play Integrity token for the package APP. Only a Countersign"
                + " trusting the test authorities (see test-authorities) accepts it.")
        String attest;

        @Override
        public Integer call() {
            SimulatedDevice device = cli.device();
            if (attest == null) {
                return cli.print(device.addCredential(kind(kind), token));
            }
            DeviceResponse challenge = device.requestAttestationNonce(token);
            String nonce = challenge.isSuccess() ? challenge.text("nonce") : null;
            if (nonce == null) {
                return cli.print(challenge);
            }
            if (cli.ios()) {
                // As the iOS SDK sends it: the nonce only hashed inside the statement; the server finds it.
                AppAttestAuthority.Attestation statement = AppAttestAuthority.test().attest(attest, nonce);
                return cli.print(device.addCredentialWithAppAttest(kind(kind), token, statement.token(),
                        statement.keyId()));
            }
            return cli.print(device.addCredentialWithPlayIntegrity(kind(kind), token,
                    PlayIntegrityAuthority.test().token(attest, nonce)));
        }
    }

    @Command(name = "test-authorities", mixinStandardHelpOptions = true, description = "What a Countersign trusts to"
            + " accept enroll --attest (tests and local runs only, the keys are published): writes the test App Attest"
            + " root to FILE as PEM and prints APP_ATTEST_ROOTS_PATH, PLAY_DECRYPTION_KEY and PLAY_VERIFICATION_KEY lines.")
    static class TestAuthorities extends Sub {

        @Option(names = "--roots-file", required = true, paramLabel = "FILE", description = "Where to write the root's PEM.")
        Path rootsFile;

        @Override
        public Integer call() throws IOException {
            Files.writeString(rootsFile, pemCertificate(AppAttestAuthority.TEST_ROOT_CERTIFICATE), StandardCharsets.US_ASCII);
            cli.say("APP_ATTEST_ROOTS_PATH=" + rootsFile.toAbsolutePath());
            cli.say("PLAY_DECRYPTION_KEY=" + PlayIntegrityAuthority.TEST_DECRYPTION_KEY);
            cli.say("PLAY_VERIFICATION_KEY=" + PlayIntegrityAuthority.TEST_VERIFICATION_KEY);
            return 0;
        }
    }

    /** A base64 DER certificate as PEM text. */
    static String pemCertificate(String base64Der) {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(Base64.getDecoder().decode(base64Der))
                + "\n-----END CERTIFICATE-----\n";
    }

    @Command(name = "credential", mixinStandardHelpOptions = true, description = "Show this device's credential as the server has it.")
    static class Credential extends Sub {

        @Option(names = "--kind", defaultValue = "push", description = "push, qr-code or in-app; default ${DEFAULT-VALUE}.")
        String kind;

        @Override
        public Integer call() {
            return cli.print(cli.device().getCredential(kind(kind)));
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove this device's credential (signed over the current time window).")
    static class Remove extends Sub {

        @Option(names = "--kind", defaultValue = "push", description = "push, qr-code or in-app; default ${DEFAULT-VALUE}.")
        String kind;

        @Override
        public Integer call() {
            return cli.print(cli.device().removeCredential(kind(kind), Instant.now()));
        }
    }

    @Command(name = "pending", mixinStandardHelpOptions = true, description = "Fetch the pending push challenge and show its context.")
    static class Pending extends Sub {

        @Override
        public Integer call() {
            return cli.print(cli.device().getPushChallenge());
        }
    }

    /** Approve or reject: a push challenge by default (fetching the pending one), a claimed QR one with --qr. */
    abstract static class Answer extends Sub {

        @Parameters(arity = "0..1", paramLabel = "CHALLENGE", description = "Challenge id (default: the pending push challenge).")
        String challengeId;

        @Option(names = "--qr", description = "Answer a QR-code challenge (claim it first).")
        boolean qr;

        @Option(names = "--code", description = "The number shown by the relying party (number matching); asked for when needed.")
        String code;

        abstract boolean approve();

        @Override
        public Integer call() {
            SimulatedDevice device = cli.device();
            String id = challengeId == null ? null : challengeIdOf(challengeId);
            boolean needsCode = false;
            if (!qr) {
                DeviceResponse pending = device.getPushChallenge();
                if (!pending.isSuccess()) {
                    return cli.print(pending);
                }
                JsonNode json = pending.json();
                if (id == null) {
                    id = pending.text("challengeId");
                    if (id == null) {
                        cli.say("No pending push challenge.");
                        return 1;
                    }
                }
                if (id.equals(pending.text("challengeId"))) {
                    cli.say("Sign-in request: action " + pending.text("actionCode") + " for user " + pending.text("userId")
                            + " from " + pending.text("ipAddress") + " (" + pending.text("userAgent") + ")");
                    needsCode = json.hasNonNull("verificationCodeChoices");
                    if (needsCode) {
                        cli.say("Choices: " + json.get("verificationCodeChoices"));
                    }
                }
            } else if (id == null) {
                throw new IllegalArgumentException("A QR-code challenge id is required with --qr");
            }
            String verificationCode = code;
            if (verificationCode == null && needsCode && approve()) {
                verificationCode = cli.ask("Enter the number shown on the screen you are signing in to:");
            }
            return cli.print(device.updateChallenge(qr ? CredentialKind.QR_CODE : CredentialKind.PUSH, id, approve(),
                    verificationCode));
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a push challenge (or with --qr a claimed QR-code challenge).")
    static class Approve extends Answer {

        @Override
        boolean approve() {
            return true;
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject a push challenge (or with --qr a claimed QR-code challenge).")
    static class Reject extends Answer {

        @Override
        boolean approve() {
            return false;
        }
    }

    @Command(name = "claim", mixinStandardHelpOptions = true, description = "Claim a scanned QR-code challenge and show its context; then approve --qr or reject --qr.")
    static class Claim extends Sub {

        @Parameters(paramLabel = "CHALLENGE_OR_QR", description = "The challenge id, or the QR code's content.")
        String challenge;

        @Override
        public Integer call() {
            DeviceResponse claimed = cli.device().claimQrChallenge(challengeIdOf(challenge));
            if (claimed.isSuccess() && claimed.json() != null) {
                // What a phone shows before the person approves: which action, at which kiosk.
                JsonNode location = claimed.json().path("location");
                cli.say("Sign-in at a kiosk: action " + claimed.text("actionCode") + " from "
                        + claimed.text("ipAddress") + (location.hasNonNull("city") ? ", " + location.get("city").asText() : "")
                        + " (" + claimed.text("userAgent") + ")");
            }
            return cli.print(claimed);
        }
    }

    @Command(name = "in-app", mixinStandardHelpOptions = true, description = "In-app verification: create a challenge (for ACTION, if given), sign it, verify; prints the token.")
    static class InApp extends Sub {

        @Parameters(arity = "0..1", paramLabel = "ACTION", description = "The action to verify for (optional).")
        String action;

        @Override
        public Integer call() {
            SimulatedDevice device = cli.device();
            DeviceResponse challenge = device.createInAppChallenge(action);
            if (!challenge.isSuccess() || challenge.text("challengeId") == null) {
                return cli.print(challenge);
            }
            return cli.print(device.verifyInApp(challenge.text("challengeId")));
        }
    }
}
