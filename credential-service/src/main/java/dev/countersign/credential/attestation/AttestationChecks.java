package dev.countersign.credential.attestation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.countersign.common.config.CountersignConfig;
import dev.countersign.common.crypto.EcdsaP256;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.event.AttestationVerdict;
import dev.countersign.common.token.AttestationNonces;
import dev.countersign.credential.metrics.CredentialMetrics;
import dev.countersign.credential.config.CredentialConfig;
import dev.countersign.credential.service.DeviceDetails.AttestationClaim;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * The tenant's attestation policy applied to an enrolment (docs/attestation.md): which statement a
 * platform needs, whether it verifies, and what is recorded. Runs before any database work, so a
 * refusal writes nothing. Policies are read at start: a tenant whose policy cannot be applied
 * (unknown mode, missing app id or keys) stops the service instead of failing its enrolments.
 */
@Startup
@Singleton
public class AttestationChecks {

    public static final String APP_ATTEST = "APP_ATTEST";
    public static final String PLAY_INTEGRITY = "PLAY_INTEGRITY";
    static final String APPLE_ROOT = "attestation/Apple_App_Attestation_Root_CA.pem";

    private final Map<String, IosPolicy> ios = new HashMap<>();
    private final Map<String, AndroidPolicy> android = new HashMap<>();
    private final AppAttestVerifier appAttest;
    private final PlayIntegrityVerifier playIntegrity;
    private final AttestationNonces nonces;
    private final ChallengeServiceClient challengeService;
    private final Clock clock;
    private final CredentialMetrics metrics;

    record IosPolicy(AttestationMode mode, String appId, boolean allowDevelopment) {
    }

    record AndroidPolicy(AttestationMode mode, String packageName, byte[] decryptionKey, PublicKey verificationKey,
            Duration maxAge) {
    }

    /**
     * What the enrolment records: the nonce whose single use it claims (explicit, or read from a
     * verified Play Integrity token), the verdict (null when the platform's mode is {@code off}) and
     * Apple's receipt.
     */
    public record Outcome(Optional<AttestationNonces.Verified> nonce, AttestationVerdict verdict, String receipt) {
    }

    @Inject
    public AttestationChecks(CountersignConfig config, CredentialConfig credentialConfig, AttestationNonces nonces,
            ChallengeServiceClient challengeService, Clock clock, CredentialMetrics metrics) {
        this.metrics = metrics;
        this.nonces = nonces;
        this.challengeService = challengeService;
        this.clock = clock;
        this.appAttest = new AppAttestVerifier(roots(credentialConfig.attestation().appAttestRoots()), clock);
        this.playIntegrity = new PlayIntegrityVerifier(clock);
        config.tenants().forEach((id, tenant) -> {
            String prefix = "countersign.tenants.\"" + id + "\".attestation.";
            CountersignConfig.Ios i = tenant.attestation().ios();
            AttestationMode iosMode = AttestationMode.parse(i.mode(), prefix + "ios.mode");
            if (iosMode != AttestationMode.OFF && i.appId().filter(v -> !v.isBlank()).isEmpty()) {
                throw new IllegalArgumentException(prefix + "ios.app-id (<teamId>.<bundleId>) is required by ios.mode "
                        + i.mode());
            }
            ios.put(id, new IosPolicy(iosMode, i.appId().map(String::strip).orElse(null), i.allowDevelopment()));
            CountersignConfig.Android a = tenant.attestation().android();
            AttestationMode androidMode = AttestationMode.parse(a.mode(), prefix + "android.mode");
            if (androidMode == AttestationMode.OFF) {
                android.put(id, new AndroidPolicy(androidMode, null, null, null, a.maxTokenAge()));
                return;
            }
            String packageName = a.packageName().filter(v -> !v.isBlank()).orElseThrow(() ->
                    new IllegalArgumentException(prefix + "android.package-name is required by android.mode " + a.mode()));
            byte[] aes = a.decryptionKey().map(v -> decode(v, prefix + "android.decryption-key")).orElseThrow(() ->
                    new IllegalArgumentException(prefix + "android.decryption-key is required by android.mode " + a.mode()));
            if (aes.length != 32) {
                throw new IllegalArgumentException(prefix + "android.decryption-key must be 32 bytes (AES-256)");
            }
            PublicKey verification = a.verificationKey().map(v -> publicKey(v, prefix + "android.verification-key"))
                    .orElseThrow(() -> new IllegalArgumentException(
                            prefix + "android.verification-key is required by android.mode " + a.mode()));
            android.put(id, new AndroidPolicy(androidMode, packageName.strip(), aes, verification, a.maxTokenAge()));
        });
    }

    /**
     * Applies the tenant's policy to {@code performAttestation} ({@code claim}, null when none was
     * sent). {@code idempotencyKey} is the track token's action the nonce must be bound to. An App
     * Attest statement without {@code nonce} (the iOS SDK sends none) is checked against the nonces
     * challenge-service issued for that action; it unreachable is 503 and nothing is written.
     */
    public Uni<Outcome> check(String tenantId, String idempotencyKey, AttestationClaim claim, String devicePlatform) {
        return Uni.createFrom().deferred(() -> {
            // A nonce the device named itself: refused as before whatever the mode (400 invalid_request).
            Optional<AttestationNonces.Verified> explicit = Optional.ofNullable(claim).map(AttestationClaim::nonce)
                    .map(value -> nonces.verify(value, tenantId, idempotencyKey));
            if (claim == null) {
                requireWhereEnforced(tenantId, devicePlatform);
                return Uni.createFrom().item(new Outcome(explicit, null, null));
            }
            boolean appAttest = APP_ATTEST.equals(claim.provider());
            AttestationMode mode = appAttest ? iosPolicy(tenantId).mode() : androidPolicy(tenantId).mode();
            if (mode == AttestationMode.OFF) {
                return Uni.createFrom().item(new Outcome(explicit, null, null));
            }
            if (!appAttest) {
                return Uni.createFrom().item(apply(claim, mode, explicit,
                        () -> playIntegrity(tenantId, idempotencyKey, claim, explicit)));
            }
            // One path: a nonce the device sent is the only candidate.
            Uni<List<String>> candidates = claim.nonce() != null ? Uni.createFrom().item(List.of(claim.nonce()))
                    : challengeService.attestationNonces(tenantId, idempotencyKey);
            return candidates.map(listed -> apply(claim, mode, explicit,
                    () -> appAttest(tenantId, idempotencyKey, claim, listed)));
        });
    }

    /** A statement's check under {@code mode}: refused under {@code enforce}, recorded as failed under {@code record}. */
    private Outcome apply(AttestationClaim claim, AttestationMode mode, Optional<AttestationNonces.Verified> explicit,
            StatementCheck statementCheck) {
        // The provider as a fixed value, never the client's string.
        String provider = APP_ATTEST.equals(claim.provider()) ? APP_ATTEST : PLAY_INTEGRITY;
        Outcome outcome;
        try {
            outcome = statementCheck.run();
        } catch (StatementRejected rejected) {
            metrics.attestation(provider, "rejected");
            if (mode == AttestationMode.ENFORCE) {
                throw new ApiException(ErrorCode.ATTESTATION_INVALID, rejected.getMessage());
            }
            return new Outcome(explicit, new AttestationVerdict(claim.provider(), false, now(), rejected.getMessage(),
                    null, null, null, null, false), null);
        }
        metrics.attestation(provider, outcome.verdict().meetsMinimum() ? "verified" : "insufficient");
        if (mode == AttestationMode.ENFORCE && !outcome.verdict().meetsMinimum()) {
            throw new ApiException(ErrorCode.ATTESTATION_INSUFFICIENT, APP_ATTEST.equals(claim.provider())
                    ? "App Attest: the development environment is not accepted for this app"
                    : "Play Integrity: the verdicts do not meet the tenant's minimum"
                            + " (PLAY_RECOGNIZED and MEETS_DEVICE_INTEGRITY)");
        }
        return outcome;
    }

    @FunctionalInterface
    private interface StatementCheck {
        Outcome run() throws StatementRejected;
    }

    /** No statement: refused when the platform (or, unnamed, either platform) enforces attestation. */
    private void requireWhereEnforced(String tenantId, String devicePlatform) {
        String platform = devicePlatform == null ? "" : devicePlatform.strip().toLowerCase(Locale.ROOT);
        boolean iosEnforces = iosPolicy(tenantId).mode() == AttestationMode.ENFORCE;
        boolean androidEnforces = androidPolicy(tenantId).mode() == AttestationMode.ENFORCE;
        boolean enforced = switch (platform) {
            case "ios" -> iosEnforces;
            case "android" -> androidEnforces;
            // A device that does not say its platform must not slip past either policy.
            default -> iosEnforces || androidEnforces;
        };
        if (enforced) {
            throw new ApiException(ErrorCode.ATTESTATION_REQUIRED,
                    "This tenant requires performAttestation to enrol a device");
        }
    }

    private Outcome appAttest(String tenantId, String idempotencyKey, AttestationClaim claim, List<String> candidates)
            throws StatementRejected {
        IosPolicy policy = iosPolicy(tenantId);
        AppAttestVerifier.Verified verified = appAttest.verify(claim.token(), claim.keyId(), candidates,
                policy.appId());
        // The statement's nonce is used up like an explicit one (single use, recorded with the enrolment).
        AttestationNonces.Verified nonce = ours(verified.nonce(), tenantId, idempotencyKey, "App Attest: ");
        boolean meets = "production".equals(verified.environment()) || policy.allowDevelopment();
        return new Outcome(Optional.of(nonce), new AttestationVerdict(APP_ATTEST, true, now(), null,
                verified.environment(), null, null, null, meets), verified.receipt());
    }

    /** The nonce a statement was made for, checked as ours for this action; else the statement is rejected. */
    private AttestationNonces.Verified ours(String nonce, String tenantId, String idempotencyKey, String prefix)
            throws StatementRejected {
        try {
            return nonces.verify(nonce, tenantId, idempotencyKey);
        } catch (ApiException e) {
            String reason = e.getMessage();
            throw new StatementRejected(prefix + Character.toLowerCase(reason.charAt(0)) + reason.substring(1));
        }
    }

    private Outcome playIntegrity(String tenantId, String idempotencyKey, AttestationClaim claim,
            Optional<AttestationNonces.Verified> explicit) throws StatementRejected {
        AndroidPolicy policy = androidPolicy(tenantId);
        PlayIntegrityVerifier.Verified verified = playIntegrity.verify(claim.token(), policy.decryptionKey(),
                policy.verificationKey(), policy.packageName(), policy.maxAge());
        Optional<AttestationNonces.Verified> nonce = explicit;
        if (explicit.isPresent()) {
            if (!verified.nonce().equals(claim.nonce())) {
                throw new StatementRejected("Play Integrity: the statement was not made for this nonce");
            }
        } else {
            // The SDKs send the nonce only inside the token: it is ours to check from there.
            nonce = Optional.of(ours(verified.nonce(), tenantId, idempotencyKey, "Play Integrity: "));
        }
        boolean meets = "PLAY_RECOGNIZED".equals(verified.appRecognitionVerdict())
                && verified.deviceRecognitionVerdict().contains("MEETS_DEVICE_INTEGRITY");
        return new Outcome(nonce, new AttestationVerdict(PLAY_INTEGRITY, true, now(), null, null,
                verified.appRecognitionVerdict(), verified.deviceRecognitionVerdict(), verified.appLicensingVerdict(),
                meets), null);
    }

    private IosPolicy iosPolicy(String tenantId) {
        return ios.getOrDefault(tenantId, new IosPolicy(AttestationMode.OFF, null, false));
    }

    private AndroidPolicy androidPolicy(String tenantId) {
        return android.getOrDefault(tenantId, new AndroidPolicy(AttestationMode.OFF, null, null, null, Duration.ZERO));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** The configured roots, or Apple's App Attestation Root CA shipped with the service. */
    static List<X509Certificate> roots(Optional<List<String>> configured) {
        if (configured.isPresent() && !configured.get().isEmpty()) {
            return configured.get().stream().map(AppAttestVerifier::parseCertificate).toList();
        }
        try (InputStream in = AttestationChecks.class.getClassLoader().getResourceAsStream(APPLE_ROOT)) {
            if (in == null) {
                throw new IllegalStateException(APPLE_ROOT + " is missing from the service");
            }
            return List.of(AppAttestVerifier.parseCertificate(new String(in.readAllBytes(), StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] decode(String value, String key) {
        try {
            return Base64.getDecoder().decode(value.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " must be base64");
        }
    }

    private static PublicKey publicKey(String value, String key) {
        try {
            return KeyFactory.getInstance("EC", EcdsaP256.PROVIDER).generatePublic(new X509EncodedKeySpec(decode(value, key)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException(key + " must be an EC public key (base64 SubjectPublicKeyInfo)");
        }
    }
}
