package dev.countersign.credential;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.token.AttestationNonces;
import dev.countersign.common.token.Scopes;
import dev.countersign.common.token.TokenType;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.device.attestation.AppAttestAuthority;
import dev.countersign.device.attestation.PlayIntegrityAuthority;
import dev.countersign.testkit.Metrics;
import dev.countersign.testkit.TestTenants;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * Tenant attestation policies (docs/attestation.md): App Attest and Play Integrity statements made
 * by device-simulator's test authorities, checked under {@code enforce} and {@code record}; the
 * tenants are configured in application.properties ({@code %test}).
 */
@QuarkusTest
class AttestationPolicyTest extends CredentialTestSupport {

    private static final String ENFORCE = "attest-enforce";
    private static final String ENFORCE_SECRET = "sk_test_attest_enforce_0123456789";
    private static final String RECORD = "attest-record";
    private static final String RECORD_SECRET = "sk_test_attest_record_0123456789";
    private static final String APP_ID = "TEAMID1234.dev.countersign.demo";
    private static final String PACKAGE = "dev.countersign.demo";
    private static final AppAttestAuthority APPLE = AppAttestAuthority.test();
    private static final PlayIntegrityAuthority GOOGLE = PlayIntegrityAuthority.test();

    @Inject
    AttestationNonces nonces;

    @TestHTTPResource("/v1")
    URL v1;

    private final ObjectMapper json = new ObjectMapper();

    /** One tracked action of a new user: its track token and the attestation nonce issued for it. */
    private record Action(String user, String token, String nonce, String nonceId) {
    }

    private Action action(String tenantId) {
        String user = newUser();
        String idempotencyKey = UUID.randomUUID().toString();
        String token = tokens.issue(TokenType.TRACK, tenantId, user, "signIn", idempotencyKey,
                Set.of(Scopes.ADD_AUTHENTICATORS), null).token();
        AttestationNonces.Issued nonce = nonces.issue(tenantId, idempotencyKey, Duration.ofMinutes(5));
        // As challenge-service records it on issuing, for the App Attest lookup.
        ChallengeServiceStub.issued(tenantId, idempotencyKey, nonce.nonce());
        return new Action(user, token, nonce.nonce(), nonce.id());
    }

    private static Map<String, Object> body(TestDeviceKey key, String platform, Map<String, Object> attestation) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("publicKey", key.publicKey());
        body.put("deviceName", "test device");
        if (platform != null) {
            body.put("devicePlatform", platform);
        }
        if (attestation != null) {
            body.put("performAttestation", attestation);
        }
        return body;
    }

    private static ValidatableResponse enrolIos(Action action, TestDeviceKey key, Map<String, Object> attestation) {
        return add("push", action.token(), body(key, "ios", attestation));
    }

    private static ValidatableResponse enrolAndroid(Action action, TestDeviceKey key, String token) {
        return add("push", action.token(), body(key, "android", PlayIntegrityAuthority.performAttestation(token)));
    }

    private static ValidatableResponse listed(String secret, String user) {
        return given().header("Authorization", TestTenants.serverAuthorization(secret))
                .when().get("/v1/users/" + user + "/authenticators").then().statusCode(200);
    }

    private long nonceUses(Action action) {
        return count("select count(*) from attestation_nonce_use where nonce_id = $1", action.nonceId());
    }

    /** A refusal that wrote nothing: no credential (so no outbox event), and the nonce not burnt. */
    private void assertNothingWritten(TestDeviceKey key, Action action) {
        assertThat(rowsWithKey(key)).isZero();
        assertThat(rowsOf(action.user())).isZero();
        assertThat(nonceUses(action)).isZero();
    }

    @Test
    void appAttestMeetingTheMinimumEnrolsUnderEnforceAndTheServerApiShowsTheVerdict() {
        Action action = action(ENFORCE);
        AppAttestAuthority.Attestation statement = APPLE.attest(APP_ID, action.nonce());

        enrolIos(action, TestDeviceKey.generate(), statement.performAttestation(action.nonce())).statusCode(200);

        listed(ENFORCE_SECRET, action.user())
                .body("[0].attestation.provider", equalTo("APP_ATTEST"))
                .body("[0].attestation.nonceVerified", equalTo(true))
                .body("[0].attestation.verdict.verified", equalTo(true))
                .body("[0].attestation.verdict.environment", equalTo("production"))
                .body("[0].attestation.verdict.meetsMinimum", equalTo(true))
                .body("[0].attestation.verdict.checkedAt", notNullValue())
                .body("[0].attestation.verdict", not(hasKey("failure")));
        assertThat(count("select count(*) from credential where user_id = $1"
                + " and attestation->>'receipt' is not null and (attestation_verdict->>'verified')::boolean",
                action.user())).isEqualTo(1);
    }

    @Test
    void playIntegrityWithTheNonceOnlyInsideTheTokenEnrolsUnderEnforceAndTheEventCarriesTheVerdict()
            throws Exception {
        Action action = action(ENFORCE);
        String token = GOOGLE.token(PACKAGE, action.nonce());

        String id;
        try (KafkaConsumer<String, String> consumer = consumer()) {
            id = enrolAndroid(action, TestDeviceKey.generate(), token).statusCode(200)
                    .extract().path("userAuthenticatorId");
            List<ConsumerRecord<String, String>> records = recordsFor(consumer, id, 1);
            assertThat(records).hasSize(1);
            JsonNode attestation = json.readTree(records.get(0).value()).get("attestation");
            assertThat(attestation.get("provider").asText()).isEqualTo("PLAY_INTEGRITY");
            assertThat(attestation.get("verified").asBoolean()).isTrue();
            assertThat(attestation.get("appRecognitionVerdict").asText()).isEqualTo("PLAY_RECOGNIZED");
            assertThat(attestation.get("deviceRecognitionVerdict").get(0).asText()).isEqualTo("MEETS_DEVICE_INTEGRITY");
            assertThat(attestation.get("appLicensingVerdict").asText()).isEqualTo("LICENSED");
            assertThat(records.get(0).value()).doesNotContain(token);
        }
        assertThat(nonceUses(action)).isEqualTo(1);
        listed(ENFORCE_SECRET, action.user())
                .body("[0].attestation.nonceVerified", equalTo(true))
                .body("[0].attestation.verdict.deviceRecognitionVerdict", contains("MEETS_DEVICE_INTEGRITY"))
                .body("[0].attestation.verdict.meetsMinimum", equalTo(true));
    }

    @Test
    void enrolmentWithoutAttestationIsRefusedUnderEnforceWhateverThePlatformSays() {
        for (String platform : new String[] {"ios", "android", null, "web"}) {
            Action action = action(ENFORCE);
            TestDeviceKey key = TestDeviceKey.generate();
            add("push", action.token(), body(key, platform, null)).statusCode(403)
                    .body("error", equalTo("attestation_required"))
                    .body("errorCode", equalTo("attestation_required"));
            assertNothingWritten(key, action);
        }
    }

    @Test
    void appAttestWithoutTheNonceAsTheIosSdkSendsItEnrolsVerifiedUnderEnforce() {
        Action action = action(ENFORCE);
        // Another nonce of the same action, asked for first: the statement's own is found among them.
        action(ENFORCE);
        AppAttestAuthority.Attestation statement = APPLE.attest(APP_ID, action.nonce());

        enrolIos(action, TestDeviceKey.generate(), statement.performAttestation(null)).statusCode(200);

        listed(ENFORCE_SECRET, action.user())
                .body("[0].attestation.provider", equalTo("APP_ATTEST"))
                .body("[0].attestation.nonceVerified", equalTo(true))
                .body("[0].attestation.verdict.verified", equalTo(true))
                .body("[0].attestation.verdict.meetsMinimum", equalTo(true));
        assertThat(nonceUses(action)).isEqualTo(1);
    }

    @Test
    void appAttestWithoutTheNonceForANonceNotIssuedForTheActionIsRefused() {
        Action action = action(ENFORCE);
        TestDeviceKey key = TestDeviceKey.generate();
        AppAttestAuthority.Attestation statement = APPLE.attest(APP_ID, action(ENFORCE).nonce());

        enrolIos(action, key, statement.performAttestation(null)).statusCode(400)
                .body("errorCode", equalTo("attestation_invalid"))
                .body("errorDescription", equalTo("App Attest: the statement was not made for this nonce"));
        assertNothingWritten(key, action);
    }

    @Test
    void appAttestWithoutTheNonceReplayedIsRefused() {
        Action action = action(ENFORCE);
        AppAttestAuthority.Attestation statement = APPLE.attest(APP_ID, action.nonce());
        enrolIos(action, TestDeviceKey.generate(), statement.performAttestation(null)).statusCode(200);

        TestDeviceKey second = TestDeviceKey.generate();
        enrolIos(action, second, statement.performAttestation(null)).statusCode(400)
                .body("errorCode", equalTo("invalid_request"))
                .body("errorDescription", equalTo("The attestation nonce was already used"));
        assertThat(rowsWithKey(second)).isZero();
    }

    @Test
    void appAttestWithoutTheNonceWhileChallengeServiceIsUnavailableIsServiceUnavailableAndWritesNothing() {
        Action action = action(ENFORCE);
        TestDeviceKey key = TestDeviceKey.generate();
        AppAttestAuthority.Attestation statement = APPLE.attest(APP_ID, action.nonce());
        ChallengeServiceStub.unavailable(true);
        try {
            enrolIos(action, key, statement.performAttestation(null)).statusCode(503)
                    .body("errorCode", equalTo("service_unavailable"));
        } finally {
            ChallengeServiceStub.unavailable(false);
        }
        assertNothingWritten(key, action);
        enrolIos(action, key, statement.performAttestation(null)).statusCode(200);
    }

    /** Each App Attest check refuses with its own description, writes nothing and leaves the nonce usable. */
    private void appAttestRefused(BiFunction<Action, AppAttestAuthority.Attestation.Builder, Map<String, Object>> make,
            int status, String errorCode, String description) {
        Action action = action(ENFORCE);
        TestDeviceKey key = TestDeviceKey.generate();
        enrolIos(action, key, make.apply(action, APPLE.attestation(APP_ID, action.nonce()))).statusCode(status)
                .body("errorCode", equalTo(errorCode)).body("errorDescription", equalTo(description));
        assertNothingWritten(key, action);
        // The nonce was not burnt: a good statement over it still enrols.
        enrolIos(action, key, APPLE.attest(APP_ID, action.nonce()).performAttestation(action.nonce())).statusCode(200);
    }

    @Test
    void checkedStatementsAreCountedByProviderAndResult() {
        Metrics before = Metrics.scrape();
        Action verified = action(ENFORCE);
        enrolIos(verified, TestDeviceKey.generate(), APPLE.attest(APP_ID, verified.nonce())
                .performAttestation(verified.nonce())).statusCode(200);
        Action rejected = action(ENFORCE);
        enrolIos(rejected, TestDeviceKey.generate(), APPLE.attest(APP_ID, action(ENFORCE).nonce())
                .performAttestation(rejected.nonce())).statusCode(400);
        Action development = action(ENFORCE);
        enrolIos(development, TestDeviceKey.generate(), APPLE.attestation(APP_ID, development.nonce()).development()
                .build().performAttestation(development.nonce())).statusCode(403);

        Metrics after = Metrics.scrape();
        for (String result : List.of("verified", "rejected", "insufficient")) {
            assertThat(after.since(before, "countersign_attestation_results_total", "provider", "APP_ATTEST",
                    "result", result)).as(result).isEqualTo(1);
        }
        assertThat(after.since(before, "countersign_attestation_results_total", "provider", "PLAY_INTEGRITY"))
                .isZero();
    }

    @Test
    void appAttestForAnotherNonceIsRefused() {
        appAttestRefused((action, statement) -> APPLE.attest(APP_ID, action(ENFORCE).nonce())
                .performAttestation(action.nonce()), 400, "attestation_invalid",
                "App Attest: the statement was not made for this nonce");
    }

    @Test
    void appAttestForAnotherAppIsRefused() {
        appAttestRefused((action, statement) -> APPLE.attest("TEAMID1234.com.example.other", action.nonce())
                .performAttestation(action.nonce()), 400, "attestation_invalid",
                "App Attest: the statement is for another app");
    }

    @Test
    void appAttestChainingToAnotherRootIsRefused() {
        appAttestRefused((action, statement) -> AppAttestAuthority.generate().attest(APP_ID, action.nonce())
                .performAttestation(action.nonce()), 400, "attestation_invalid",
                "App Attest: the certificate chain does not lead to a trusted root");
    }

    @Test
    void appAttestWithATamperedCertificateSignatureIsRefused() {
        appAttestRefused((action, statement) -> statement.tamperSignature().build().performAttestation(action.nonce()),
                400, "attestation_invalid", "App Attest: the certificate chain does not lead to a trusted root");
    }

    @Test
    void appAttestWithACounterOtherThanZeroIsRefused() {
        appAttestRefused((action, statement) -> statement.counter(1).build().performAttestation(action.nonce()),
                400, "attestation_invalid", "App Attest: the counter is not 0");
    }

    @Test
    void appAttestWhoseKeyIdIsNotTheAttestedKeyIsRefused() {
        appAttestRefused((action, statement) -> {
            Map<String, Object> attestation = statement.build().performAttestation(action.nonce());
            attestation.put("keyId", APPLE.attest(APP_ID, action.nonce()).keyId());
            return attestation;
        }, 400, "attestation_invalid", "App Attest: keyId is not the attested key");
    }

    @Test
    void appAttestWhoseCredentialIdIsNotTheKeyIdIsRefused() {
        appAttestRefused((action, statement) -> statement.credentialId(new byte[32]).build()
                .performAttestation(action.nonce()), 400, "attestation_invalid",
                "App Attest: the credential id is not keyId");
    }

    @Test
    void appAttestOfAnotherFormatOrUnknownEnvironmentIsRefused() {
        appAttestRefused((action, statement) -> statement.fmt("packed").build().performAttestation(action.nonce()),
                400, "attestation_invalid", "App Attest: fmt is not apple-appattest");
        appAttestRefused((action, statement) -> statement.aaguid(new byte[16]).build()
                .performAttestation(action.nonce()), 400, "attestation_invalid",
                "App Attest: the AAGUID is neither appattest nor appattestdevelop");
    }

    @Test
    void appAttestFromTheDevelopmentEnvironmentIsBelowTheMinimumUnderEnforce() {
        appAttestRefused((action, statement) -> statement.development().build().performAttestation(action.nonce()),
                403, "attestation_insufficient", "App Attest: the development environment is not accepted for this app");
    }

    @Test
    void appAttestThatIsNotCborIsRefused() {
        appAttestRefused((action, statement) -> {
            Map<String, Object> attestation = statement.build().performAttestation(action.nonce());
            attestation.put("token", "bm90IGNib3I");
            return attestation;
        }, 400, "attestation_invalid", "App Attest: the attestation object is malformed");
    }

    /** Each Play Integrity check refuses with its own description and writes nothing. */
    private void playIntegrityRefused(BiFunction<Action, PlayIntegrityAuthority.Builder, String> make, int status,
            String errorCode, String description) {
        Action action = action(ENFORCE);
        TestDeviceKey key = TestDeviceKey.generate();
        enrolAndroid(action, key, make.apply(action, GOOGLE.verdict(PACKAGE, action.nonce()))).statusCode(status)
                .body("errorCode", equalTo(errorCode)).body("errorDescription", equalTo(description));
        assertNothingWritten(key, action);
        enrolAndroid(action, key, GOOGLE.token(PACKAGE, action.nonce())).statusCode(200);
    }

    @Test
    void playIntegrityOverANonceOfAnotherActionIsRefused() {
        playIntegrityRefused((action, verdict) -> GOOGLE.token(PACKAGE, action(ENFORCE).nonce()), 400,
                "attestation_invalid", "Play Integrity: the attestation nonce was issued for another action");
    }

    @Test
    void playIntegrityOverSomethingOtherThanOurNonceIsRefused() {
        playIntegrityRefused((action, verdict) -> GOOGLE.token(PACKAGE, "bm90LW91ci1ub25jZS1hdC1hbGw"), 400,
                "attestation_invalid", "Play Integrity: the attestation nonce is malformed");
    }

    @Test
    void playIntegrityOfAnotherPackageIsRefused() {
        playIntegrityRefused((action, verdict) -> GOOGLE.token("com.example.other", action.nonce()), 400,
                "attestation_invalid", "Play Integrity: the token is for another package");
    }

    @Test
    void playIntegrityTokenOlderThanTheMaximumAgeIsRefused() {
        playIntegrityRefused((action, verdict) -> verdict.timestamp(Instant.now().minus(Duration.ofMinutes(6))).build(),
                400, "attestation_invalid", "Play Integrity: the token is not fresh");
    }

    @Test
    void playIntegrityWithATamperedSignatureIsRefused() {
        playIntegrityRefused((action, verdict) -> verdict.tamperSignature().build(), 400, "attestation_invalid",
                "Play Integrity: the signature does not verify");
    }

    @Test
    void playIntegrityEncryptedForAnotherAppsKeysIsRefused() {
        playIntegrityRefused((action, verdict) -> PlayIntegrityAuthority.generate().token(PACKAGE, action.nonce()),
                400, "attestation_invalid", "Play Integrity: the token cannot be decrypted with the tenant's key");
    }

    @Test
    void playIntegrityBelowTheMinimumVerdictsIsRefusedUnderEnforce() {
        String description = "Play Integrity: the verdicts do not meet the tenant's minimum"
                + " (PLAY_RECOGNIZED and MEETS_DEVICE_INTEGRITY)";
        playIntegrityRefused((action, verdict) -> verdict.deviceRecognitionVerdict("MEETS_BASIC_INTEGRITY").build(),
                403, "attestation_insufficient", description);
        playIntegrityRefused((action, verdict) -> verdict.appRecognitionVerdict("UNRECOGNIZED_VERSION").build(),
                403, "attestation_insufficient", description);
    }

    @Test
    void replayedNonceIsRefusedOnBothPlatforms() {
        Action android = action(ENFORCE);
        String token = GOOGLE.token(PACKAGE, android.nonce());
        enrolAndroid(android, TestDeviceKey.generate(), token).statusCode(200);
        TestDeviceKey second = TestDeviceKey.generate();
        enrolAndroid(android, second, token).statusCode(400).body("errorCode", equalTo("invalid_request"))
                .body("errorDescription", equalTo("The attestation nonce was already used"));
        assertThat(rowsWithKey(second)).isZero();

        Action ios = action(ENFORCE);
        enrolIos(ios, TestDeviceKey.generate(), APPLE.attest(APP_ID, ios.nonce()).performAttestation(ios.nonce()))
                .statusCode(200);
        TestDeviceKey third = TestDeviceKey.generate();
        enrolIos(ios, third, APPLE.attest(APP_ID, ios.nonce()).performAttestation(ios.nonce())).statusCode(400)
                .body("errorDescription", equalTo("The attestation nonce was already used"));
        assertThat(rowsWithKey(third)).isZero();
    }

    @Test
    void recordEnrolsWhateverTheVerdictAndRecordsIt() {
        Action failing = action(RECORD);
        enrolIos(failing, TestDeviceKey.generate(), APPLE.attestation(APP_ID, failing.nonce()).counter(7).build()
                .performAttestation(failing.nonce())).statusCode(200);
        listed(RECORD_SECRET, failing.user())
                .body("[0].attestation.verdict.verified", equalTo(false))
                .body("[0].attestation.verdict.failure", equalTo("App Attest: the counter is not 0"))
                .body("[0].attestation.verdict.meetsMinimum", equalTo(false));

        Action development = action(RECORD);
        enrolIos(development, TestDeviceKey.generate(), APPLE.attestation(APP_ID, development.nonce()).development()
                .build().performAttestation(development.nonce())).statusCode(200);
        listed(RECORD_SECRET, development.user())
                .body("[0].attestation.verdict.verified", equalTo(true))
                .body("[0].attestation.verdict.environment", equalTo("development"))
                .body("[0].attestation.verdict.meetsMinimum", equalTo(false));

        Action basic = action(RECORD);
        enrolAndroid(basic, TestDeviceKey.generate(), GOOGLE.verdict(PACKAGE, basic.nonce())
                .deviceRecognitionVerdict("MEETS_BASIC_INTEGRITY").appLicensingVerdict("UNLICENSED").build())
                .statusCode(200);
        listed(RECORD_SECRET, basic.user())
                .body("[0].attestation.verdict.verified", equalTo(true))
                .body("[0].attestation.verdict.deviceRecognitionVerdict", contains("MEETS_BASIC_INTEGRITY"))
                .body("[0].attestation.verdict.appLicensingVerdict", equalTo("UNLICENSED"))
                .body("[0].attestation.verdict.meetsMinimum", equalTo(false));

        Action none = action(RECORD);
        add("push", none.token(), body(TestDeviceKey.generate(), "android", null)).statusCode(200);
        listed(RECORD_SECRET, none.user()).body("[0]", not(hasKey("attestation")));
    }

    @Test
    void simulatedDevicesOfBothPlatformsEnrolWithAttestationUnderEnforce() {
        for (DeviceProfile profile : DeviceProfile.values()) {
            Action action = action(ENFORCE);
            SimulatedDevice device = SimulatedDevice.create(profile, v1.toString(), ENFORCE);
            DeviceResponse response;
            if ("ios".equals(profile.devicePlatform())) {
                AppAttestAuthority.Attestation statement = APPLE.attest(APP_ID, action.nonce());
                response = device.addCredentialWithAppAttest(CredentialKind.PUSH, action.token(), statement.token(),
                        statement.keyId());
            } else {
                response = device.addCredentialWithPlayIntegrity(CredentialKind.PUSH, action.token(),
                        GOOGLE.token(PACKAGE, action.nonce()));
            }
            assertThat(response.status()).as(profile + ": " + response.body()).isEqualTo(200);
            listed(ENFORCE_SECRET, action.user()).body("[0].attestation.verdict.meetsMinimum", equalTo(true));
        }
    }

    @Test
    void offStoresAVerifiableStatementAsBeforeWithoutAVerdict() {
        String user = newUser();
        String idempotencyKey = UUID.randomUUID().toString();
        String token = tokens.issue(TokenType.TRACK, TestTenants.TENANT_ID, user, "signIn", idempotencyKey,
                Set.of(Scopes.ADD_AUTHENTICATORS), null).token();
        String nonce = nonces.issue(TestTenants.TENANT_ID, idempotencyKey, Duration.ofMinutes(5)).nonce();

        add("push", token, body(TestDeviceKey.generate(), "android",
                PlayIntegrityAuthority.performAttestation(GOOGLE.token(PACKAGE, nonce)))).statusCode(200);

        listed(TestTenants.SECRET_KEY, user)
                .body("[0].attestation.provider", equalTo("PLAY_INTEGRITY"))
                .body("[0].attestation.nonceVerified", equalTo(false))
                .body("[0].attestation", not(hasKey("verdict")));
        assertThat(count("select count(*) from credential where user_id = $1 and attestation_verdict is null", user))
                .isEqualTo(1);
    }
}
