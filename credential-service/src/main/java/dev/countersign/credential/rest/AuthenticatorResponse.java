package dev.countersign.credential.rest;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.countersign.common.event.AttestationVerdict;
import dev.countersign.common.json.WireTime;
import dev.countersign.credential.Attestation;
import dev.countersign.credential.Credential;
import dev.countersign.credential.DeviceMetadata;

/**
 * A credential in the Server API's {@code UserAuthenticator} shape (docs/protocol/wire.md#55-authenticators-and-users). {@code verificationMethod}
 * is PUSH or DEVICE (docs/protocol/decisions.md#2-track-state); {@code credentialType} is our addition naming the feature
 * ({@code push}, {@code qr-code}, {@code in-app}), since DEVICE alone cannot tell QR from in-app.
 * Also ours: {@code expiresAt}, {@code attestation} (as sent, with whether its nonce was checked) and
 * {@code deviceMetadata} (the newer SDKs' {@code X-Authsignal-*} headers).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuthenticatorResponse(
        String userId,
        String userAuthenticatorId,
        String verificationMethod,
        String credentialType,
        String createdAt,
        String verifiedAt,
        String lastVerifiedAt,
        String devicePlatform,
        String deviceName,
        String expiresAt,
        AttestationView attestation,
        DeviceMetadata deviceMetadata) {

    private static final Set<String> PLATFORMS = Set.of("ANDROID", "IOS", "WEB");

    static AuthenticatorResponse of(Credential credential) {
        String created = WireTime.format(credential.createdAt);
        return new AuthenticatorResponse(credential.userId, credential.id.toString(),
                credential.credentialKind().verificationMethod(), credential.kind, created, created,
                WireTime.format(credential.lastVerifiedAt), platform(credential.devicePlatform), credential.deviceName,
                WireTime.format(credential.expiresAt),
                AttestationView.of(credential.attestation, credential.attestationVerdict),
                credential.deviceMetadata);
    }

    /**
     * The stored attestation: the vendor statement is handed back so a relying party can verify it
     * itself; {@code nonceVerified} says whether Countersign checked the nonce it was bound to, and
     * {@code verdict} what checking the statement concluded (absent when the tenant's mode is off).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AttestationView(String provider, String token, String keyId, boolean nonceVerified,
            String nonceId, AttestationVerdictView verdict) {

        static AttestationView of(Attestation attestation, AttestationVerdict verdict) {
            return attestation == null ? null
                    : new AttestationView(attestation.provider(), attestation.token(), attestation.keyId(),
                            attestation.nonceId() != null, attestation.nonceId(), AttestationVerdictView.of(verdict));
        }
    }

    /** {@link AttestationVerdict} with the wire's time format. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AttestationVerdictView(boolean verified, String checkedAt, String failure, String environment,
            String appRecognitionVerdict, List<String> deviceRecognitionVerdict, String appLicensingVerdict,
            boolean meetsMinimum) {

        static AttestationVerdictView of(AttestationVerdict verdict) {
            return verdict == null ? null
                    : new AttestationVerdictView(verdict.verified(), WireTime.format(verdict.checkedAt()),
                            verdict.failure(), verdict.environment(), verdict.appRecognitionVerdict(),
                            verdict.deviceRecognitionVerdict(), verdict.appLicensingVerdict(), verdict.meetsMinimum());
        }
    }

    /** The SDKs send "android" / "ios"; the browser type knows only these three upper-case values. */
    private static String platform(String stored) {
        if (stored == null) {
            return null;
        }
        String upper = stored.strip().toUpperCase(Locale.ROOT);
        return PLATFORMS.contains(upper) ? upper : null;
    }
}
