package dev.countersign.common.event;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What credential-service concluded from a device's {@code performAttestation} (docs/attestation.md):
 * stored with the credential, shown in the Server API and carried by {@code credential.added}.
 * Never the vendor statement itself.
 *
 * @param provider {@code APP_ATTEST} or {@code PLAY_INTEGRITY}
 * @param verified whether every check passed (signature, trust root, app, nonce, freshness)
 * @param checkedAt when the statement was checked
 * @param failure the first check that failed, null when verified
 * @param environment App Attest: {@code production} or {@code development}
 * @param appRecognitionVerdict Play Integrity {@code appIntegrity.appRecognitionVerdict}
 * @param deviceRecognitionVerdict Play Integrity {@code deviceIntegrity.deviceRecognitionVerdict}
 * @param appLicensingVerdict Play Integrity {@code accountDetails.appLicensingVerdict}
 * @param meetsMinimum whether the verdicts meet the tenant's minimum (what {@code enforce} requires)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AttestationVerdict(String provider, boolean verified, Instant checkedAt, String failure,
        String environment, String appRecognitionVerdict, List<String> deviceRecognitionVerdict,
        String appLicensingVerdict, boolean meetsMinimum) {
}
