package dev.countersign.challenge.lifecycle;

import java.util.Optional;

import dev.countersign.common.audit.Audit;
import dev.countersign.common.audit.AuditEvent;

/**
 * The audit records of a challenge's end (docs/observability.md#audit-trail), written where a
 * transition script said it ended the challenge, beside the domain metrics: once per challenge,
 * whatever the retries and replicas. An expiry is no security decision and is not audited.
 */
public final class ChallengeAudit {

    private ChallengeAudit() {
    }

    /** Writes the record for {@code after}, the challenge as the script left it. */
    public static void ended(Challenge after) {
        event(after.state()).ifPresent(event -> Audit.event(event).tenant(after.tenantId()).user(after.userId())
                .credential(after.credentialId().orElse(null)).challenge(after.challengeId())
                .method(after.kind()).outcome(after.state().stored()).write());
    }

    static Optional<AuditEvent> event(ChallengeState state) {
        return switch (state) {
            case APPROVED -> Optional.of(AuditEvent.CHALLENGE_APPROVED);
            case REJECTED -> Optional.of(AuditEvent.CHALLENGE_REJECTED);
            case BURNED -> Optional.of(AuditEvent.CHALLENGE_BURNED);
            case SUPERSEDED -> Optional.of(AuditEvent.CHALLENGE_SUPERSEDED);
            case PENDING, EXPIRED -> Optional.empty();
        };
    }
}
