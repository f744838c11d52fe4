package dev.countersign.common.audit;

/**
 * The security-relevant events written to the {@code countersign.audit} log category
 * (docs/observability.md lists each with its fields and when it is written). The names are
 * published: log queries and alerts match on them, so a name never changes once released.
 */
public enum AuditEvent {
    /** credential-service stored a new credential (add authenticator). */
    CREDENTIAL_ADDED("credential.added"),
    /** credential-service removed a credential (Server API or the device itself). */
    CREDENTIAL_REMOVED("credential.removed"),
    /** A credential's push token was set, replaced or cleared. */
    PUSH_TOKEN_CHANGED("credential.push_token_changed"),
    /** A transition script approved a challenge. */
    CHALLENGE_APPROVED("challenge.approved"),
    /** A transition script rejected a challenge. */
    CHALLENGE_REJECTED("challenge.rejected"),
    /** The last wrong verification code a challenge allowed burned it. */
    CHALLENGE_BURNED("challenge.burned"),
    /** A newer challenge for the same user ended a pending one. */
    CHALLENGE_SUPERSEDED("challenge.superseded"),
    /** An initiation budget refused a challenge (429). */
    LIMIT_HIT("limit.hit"),
    /** A request was refused with 401 or 403. */
    AUTH_FAILED("auth.failed");

    private final String name;

    AuditEvent(String name) {
        this.name = name;
    }

    /** The value of the {@code event} field. */
    public String wireName() {
        return name;
    }
}
