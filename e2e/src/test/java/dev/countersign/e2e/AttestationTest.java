package dev.countersign.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.device.attestation.AppAttestAuthority;
import dev.countersign.device.attestation.PlayIntegrityAuthority;
import dev.countersign.devicecli.DeviceCli;
import dev.countersign.local.launcher.CountersignStack;
import dev.countersign.local.launcher.DemoSecrets;
import dev.countersign.testkit.EventTopics;

/**
 * Attestation through the edge with the launcher's tenant policies (docs/attestation.md): the shared
 * stack's {@link RunningStack#ATTESTED_TENANT} enforces App Attest and Play Integrity against
 * device-simulator's test authorities, the demo tenant leaves both {@code off}. The verdict shows in
 * the Server API and in {@code credential.added} on Kafka, never the statement.
 */
@ExtendWith(RunningStack.class)
class AttestationTest {

    private static final String CREDENTIAL_EVENTS = "credential-events";
    private static final AppAttestAuthority APPLE = AppAttestAuthority.test();
    private static final PlayIntegrityAuthority GOOGLE = PlayIntegrityAuthority.test();
    private static final ObjectMapper JSON = new ObjectMapper();

    private CountersignStack stack;
    private ServerApi attested;
    private ServerApi demo;

    @BeforeEach
    void servers(CountersignStack stack) {
        this.stack = stack;
        attested = new ServerApi(stack.baseUrl(), stack.tenants().stream()
                .filter(t -> t.tenantId().equals(RunningStack.ATTESTED_TENANT))
                .map(DemoSecrets.TenantSecret::secretKey).findFirst().orElseThrow());
        demo = new ServerApi(stack.baseUrl(), stack.secretKey());
    }

    /** A new user's enrolment action: the track token, and the device asking for its attestation nonce. */
    private record Enrolment(String user, String token, String nonce) {
    }

    private Enrolment enrolment(ServerApi server, SimulatedDevice device) {
        String user = "user-" + UUID.randomUUID();
        ServerApi.Answer tracked = server.track(user, "enrolDevice", "{}");
        assertThat(tracked.status()).as("%s", tracked).isEqualTo(200);
        DeviceResponse nonce = device.requestAttestationNonce(tracked.text("token"));
        assertThat(nonce.status()).as("%s", nonce).isEqualTo(200);
        return new Enrolment(user, tracked.text("token"), nonce.text("nonce"));
    }

    private SimulatedDevice ios(String tenantId) {
        return SimulatedDevice.create(DeviceProfile.IOS_2_7, stack.baseUrl(), tenantId);
    }

    private SimulatedDevice android(String tenantId) {
        return SimulatedDevice.create(DeviceProfile.ANDROID_3_8, stack.baseUrl(), tenantId);
    }

    private static String enrolled(DeviceResponse response) {
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response.text("userAuthenticatorId");
    }

    private JsonNode onlyAuthenticator(ServerApi server, String user) {
        ServerApi.Answer listed = server.authenticators(user);
        assertThat(listed.status()).as("%s", listed).isEqualTo(200);
        assertThat(listed.json()).as("%s", listed).hasSize(1);
        return listed.json().get(0);
    }

    /** The credential's one {@code credential.added} event, as published on Kafka. */
    private ConsumerRecord<String, String> added(String credentialId) {
        List<ConsumerRecord<String, String>> records = EventTopics.read(stack.kafkaBootstrapServers(), CREDENTIAL_EVENTS,
                credentialId, found -> !found.isEmpty(), Duration.ofSeconds(30));
        assertThat(records).as("credential.added of %s", credentialId).hasSize(1);
        return records.get(0);
    }

    private static JsonNode json(ConsumerRecord<String, String> record) {
        try {
            return JSON.readTree(record.value());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** An event without attestation: the field absent or null. */
    private static boolean withoutVerdict(JsonNode event) {
        JsonNode attestation = event.get("attestation");
        return attestation == null || attestation.isNull();
    }

    private static void assertRefused(DeviceResponse response, int status, String errorCode, String description) {
        assertThat(response.status()).as("%s", response).isEqualTo(status);
        assertThat(response.text("error")).as("%s", response).isEqualTo(errorCode);
        assertThat(response.text("errorCode")).as("%s", response).isEqualTo(errorCode);
        assertThat(response.text("errorDescription")).as("%s", response).isEqualTo(description);
    }

    @Test
    void iosEnrolmentWithAValidAppAttestStatementSucceedsUnderEnforceAndTheVerdictIsShownAndPublished() {
        SimulatedDevice device = ios(RunningStack.ATTESTED_TENANT);
        Enrolment enrolment = enrolment(attested, device);
        AppAttestAuthority.Attestation statement = APPLE.attest(RunningStack.APP_ID, enrolment.nonce());

        String id = enrolled(device.addCredentialWithAppAttest(CredentialKind.PUSH, enrolment.token(),
                statement.token(), statement.keyId(), enrolment.nonce()));

        JsonNode verdict = onlyAuthenticator(attested, enrolment.user()).path("attestation").path("verdict");
        assertThat(verdict.path("verified").asBoolean()).as("%s", verdict).isTrue();
        assertThat(verdict.path("environment").asText()).isEqualTo("production");
        assertThat(verdict.path("meetsMinimum").asBoolean()).isTrue();
        ConsumerRecord<String, String> added = added(id);
        JsonNode event = json(added);
        assertThat(event.path("type").asText()).isEqualTo("credential.added");
        assertThat(event.path("tenantId").asText()).isEqualTo(RunningStack.ATTESTED_TENANT);
        assertThat(event.path("attestation").path("provider").asText()).isEqualTo("APP_ATTEST");
        assertThat(event.path("attestation").path("verified").asBoolean()).isTrue();
        assertThat(event.path("attestation").path("environment").asText()).isEqualTo("production");
        assertThat(event.path("attestation").path("meetsMinimum").asBoolean()).isTrue();
        assertThat(added.value()).doesNotContain(statement.token()).doesNotContain(statement.keyId());
    }

    @Test
    void iosEnrolmentShapedAsTheIosSdkSendsItWithoutTheNonceSucceedsUnderEnforceWithAVerifiedVerdict() {
        SimulatedDevice device = ios(RunningStack.ATTESTED_TENANT);
        Enrolment enrolment = enrolment(attested, device);
        AppAttestAuthority.Attestation statement = APPLE.attest(RunningStack.APP_ID, enrolment.nonce());

        enrolled(device.addCredentialWithAppAttest(CredentialKind.PUSH, enrolment.token(), statement.token(),
                statement.keyId()));

        JsonNode attestation = onlyAuthenticator(attested, enrolment.user()).path("attestation");
        assertThat(attestation.path("nonceVerified").asBoolean()).as("%s", attestation).isTrue();
        assertThat(attestation.path("verdict").path("verified").asBoolean()).isTrue();
        assertThat(attestation.path("verdict").path("meetsMinimum").asBoolean()).isTrue();
    }

    @Test
    void androidEnrolmentWithAValidPlayIntegrityTokenSucceedsUnderEnforceAndTheVerdictIsShownAndPublished() {
        SimulatedDevice device = android(RunningStack.ATTESTED_TENANT);
        Enrolment enrolment = enrolment(attested, device);
        String token = GOOGLE.token(RunningStack.PACKAGE_NAME, enrolment.nonce());

        String id = enrolled(device.addCredentialWithPlayIntegrity(CredentialKind.PUSH, enrolment.token(), token));

        JsonNode verdict = onlyAuthenticator(attested, enrolment.user()).path("attestation").path("verdict");
        assertThat(verdict.path("verified").asBoolean()).as("%s", verdict).isTrue();
        assertThat(verdict.path("appRecognitionVerdict").asText()).isEqualTo("PLAY_RECOGNIZED");
        assertThat(verdict.path("deviceRecognitionVerdict").get(0).asText()).isEqualTo("MEETS_DEVICE_INTEGRITY");
        assertThat(verdict.path("meetsMinimum").asBoolean()).isTrue();
        ConsumerRecord<String, String> added = added(id);
        JsonNode attestation = json(added).path("attestation");
        assertThat(attestation.path("provider").asText()).isEqualTo("PLAY_INTEGRITY");
        assertThat(attestation.path("verified").asBoolean()).isTrue();
        assertThat(attestation.path("appRecognitionVerdict").asText()).isEqualTo("PLAY_RECOGNIZED");
        assertThat(attestation.path("appLicensingVerdict").asText()).isEqualTo("LICENSED");
        assertThat(added.value()).doesNotContain(token);
    }

    @Test
    void aStatementMadeForAnotherNonceIsRefusedUnderEnforceAndWritesNothing() {
        SimulatedDevice device = ios(RunningStack.ATTESTED_TENANT);
        Enrolment enrolment = enrolment(attested, device);
        String otherNonce = enrolment(attested, ios(RunningStack.ATTESTED_TENANT)).nonce();
        AppAttestAuthority.Attestation forOther = APPLE.attest(RunningStack.APP_ID, otherNonce);

        assertRefused(device.addCredentialWithAppAttest(CredentialKind.PUSH, enrolment.token(), forOther.token(),
                forOther.keyId(), enrolment.nonce()), 400, "attestation_invalid",
                "App Attest: the statement was not made for this nonce");
        assertThat(attested.authenticators(enrolment.user()).json()).isEmpty();

        // Android: the token carries another action's nonce, which the SDK sends as it is.
        SimulatedDevice phone = android(RunningStack.ATTESTED_TENANT);
        Enrolment android = enrolment(attested, phone);
        assertRefused(phone.addCredentialWithPlayIntegrity(CredentialKind.PUSH, android.token(),
                GOOGLE.token(RunningStack.PACKAGE_NAME, otherNonce)), 400, "attestation_invalid",
                "Play Integrity: the attestation nonce was issued for another action");
        assertThat(attested.authenticators(android.user()).json()).isEmpty();

        // Nothing was used up: the same nonce with a statement made for it still enrols.
        AppAttestAuthority.Attestation good = APPLE.attest(RunningStack.APP_ID, enrolment.nonce());
        String id = enrolled(device.addCredentialWithAppAttest(CredentialKind.PUSH, enrolment.token(), good.token(),
                good.keyId(), enrolment.nonce()));
        assertThat(onlyAuthenticator(attested, enrolment.user()).path("userAuthenticatorId").asText()).isEqualTo(id);
    }

    @Test
    void anEnrolmentWithoutStatementIsRefusedUnderEnforce() {
        SimulatedDevice device = android(RunningStack.ATTESTED_TENANT);
        Enrolment enrolment = enrolment(attested, device);

        DeviceResponse refused = device.addCredential(CredentialKind.PUSH, enrolment.token());

        assertThat(refused.status()).as("%s", refused).isEqualTo(403);
        assertThat(refused.text("errorCode")).isEqualTo("attestation_required");
        assertThat(attested.authenticators(enrolment.user()).json()).isEmpty();
    }

    @Test
    void underOffStatementsAreStoredUncheckedAndNoVerdictIsShownOrPublished() {
        SimulatedDevice iphone = ios(stack.tenantId());
        Enrolment ios = enrolment(demo, iphone);
        // Made by a root the service does not trust: off checks nothing but the nonce.
        AppAttestAuthority.Attestation untrusted = AppAttestAuthority.generate().attest("TEAMID1234.any.app", ios.nonce());
        String iosId = enrolled(iphone.addCredentialWithAppAttest(CredentialKind.PUSH, ios.token(), untrusted.token(),
                untrusted.keyId(), ios.nonce()));

        SimulatedDevice phone = android(stack.tenantId());
        Enrolment android = enrolment(demo, phone);
        String androidId = enrolled(phone.addCredential(CredentialKind.PUSH, android.token()));

        JsonNode stored = onlyAuthenticator(demo, ios.user()).path("attestation");
        assertThat(stored.path("provider").asText()).isEqualTo("APP_ATTEST");
        assertThat(stored.path("token").asText()).isEqualTo(untrusted.token());
        assertThat(stored.has("verdict")).as("%s", stored).isFalse();
        assertThat(withoutVerdict(json(added(iosId)))).isTrue();
        assertThat(onlyAuthenticator(demo, android.user()).has("attestation")).isFalse();
        assertThat(withoutVerdict(json(added(androidId)))).isTrue();
    }

    /** {@code device --profile <profile> enroll --attest <app> --token <token>} (or without --attest) against the attested tenant. */
    private int deviceCliEnroll(Path keys, String profile, String app, String token, StringWriter out) {
        List<String> args = new java.util.ArrayList<>(List.of("--base-url", stack.baseUrl(), "--tenant",
                RunningStack.ATTESTED_TENANT, "--profile", profile, "--keys", keys.toString(), "enroll", "--token", token));
        if (app != null) {
            args.addAll(List.of("--attest", app));
        }
        return DeviceCli.run(new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true), args.toArray(String[]::new));
    }

    @Test
    void theDeviceCliEnrolsWithTheTestAuthoritiesSyntheticStatementsUnderEnforce(@TempDir Path home) {
        for (String[] platform : new String[][] {{"ios", RunningStack.APP_ID, "APP_ATTEST"},
                {"android", RunningStack.PACKAGE_NAME, "PLAY_INTEGRITY"}}) {
            Path keys = home.resolve(platform[0] + ".keys");
            String user = "user-" + UUID.randomUUID();
            StringWriter refused = new StringWriter();
            assertThat(deviceCliEnroll(keys, platform[0], null, attested.track(user, "enrolDevice", "{}").text("token"),
                    refused)).as("%s", refused).isEqualTo(1);
            assertThat(refused.toString()).contains("attestation_required");

            StringWriter out = new StringWriter();
            int code = deviceCliEnroll(keys, platform[0], platform[1],
                    attested.track(user, "enrolDevice", "{}").text("token"), out);

            assertThat(code).as("%s", out).isZero();
            JsonNode attestation = onlyAuthenticator(attested, user).path("attestation");
            assertThat(attestation.path("provider").asText()).isEqualTo(platform[2]);
            assertThat(attestation.path("verdict").path("verified").asBoolean()).as("%s", attestation).isTrue();
            assertThat(attestation.path("verdict").path("meetsMinimum").asBoolean()).isTrue();
        }
    }
}
