package dev.countersign.credential.attestation;

import java.util.Locale;

/** What a tenant asks of {@code performAttestation} on one platform (docs/attestation.md). */
public enum AttestationMode {
    /** Stored as sent, nothing verified (what Countersign did before attestation was checked). */
    OFF,
    /** Verified and the verdict recorded; the enrolment goes ahead whatever the verdict. */
    RECORD,
    /** Enrolment needs a statement that verifies and meets the tenant's minimum. */
    ENFORCE;

    static AttestationMode parse(String value, String key) {
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " must be off, record or enforce, not '" + value + "'");
        }
    }
}
