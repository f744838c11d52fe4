package dev.countersign.common.audit;

/**
 * Why a request was refused with 401 or 403: the {@code reason} of an {@link AuditEvent#AUTH_FAILED}
 * record. Names the check that failed, never the value that failed it.
 */
public enum AuthFailure {
    MISSING_AUTHORIZATION("missing_authorization"),
    /** Basic where a Bearer token is needed or the other way round, or an unknown scheme. */
    WRONG_SCHEME("wrong_scheme"),
    MALFORMED_AUTHORIZATION("malformed_authorization"),
    BAD_SECRET_KEY("bad_secret_key"),
    UNKNOWN_TENANT("unknown_tenant"),
    BAD_TOKEN("bad_token"),
    EXPIRED_TOKEN("expired_token"),
    /** A valid token used for another user or for a call its scope does not allow. */
    FOREIGN_TOKEN("foreign_token"),
    /** A device signature that does not verify, or by a key that is not the credential's. */
    BAD_SIGNATURE("bad_signature"),
    /** A signed request for a signing challenge that is unknown or already used. */
    UNKNOWN_SIGNING_CHALLENGE("unknown_signing_challenge"),
    ORIGIN_NOT_ALLOWED("origin_not_allowed"),
    /** A service-to-service route called without the internal secret or with a wrong one. */
    BAD_INTERNAL_SECRET("bad_internal_secret");

    private final String name;

    AuthFailure(String name) {
        this.name = name;
    }

    public String wireName() {
        return name;
    }
}
