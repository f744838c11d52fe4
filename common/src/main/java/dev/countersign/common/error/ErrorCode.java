package dev.countersign.common.error;

/**
 * Every error Countersign answers with, and the HTTP status it goes with (docs/errors.md).
 * The wire value is {@link #code()}; clients switch on it, so it never changes once published.
 */
public enum ErrorCode {
    INVALID_REQUEST(400, "invalid_request"),
    UNAUTHORIZED(401, "unauthorized"),
    EXPIRED_TOKEN(401, "expired_token"),
    /** The statement in {@code performAttestation} failed a check (docs/attestation.md). */
    ATTESTATION_INVALID(400, "attestation_invalid"),
    INSUFFICIENT_SCOPE(403, "insufficient_scope"),
    /** The tenant enforces attestation for the platform and none (or no usable nonce) was sent. */
    ATTESTATION_REQUIRED(403, "attestation_required"),
    /** The statement verified, but its verdicts are below the tenant's minimum. */
    ATTESTATION_INSUFFICIENT(403, "attestation_insufficient"),
    ORIGIN_NOT_ALLOWED(403, "origin_not_allowed"),
    INVALID_CREDENTIAL(404, "invalid_credential"),
    NOT_FOUND(404, "not_found"),
    METHOD_NOT_ALLOWED(405, "method_not_allowed"),
    NOT_ACCEPTABLE(406, "not_acceptable"),
    REQUEST_TIMEOUT(408, "request_timeout"),
    CHALLENGE_ALREADY_ANSWERED(409, "challenge_already_answered"),
    CHALLENGE_EXPIRED(410, "challenge_expired"),
    PAYLOAD_TOO_LARGE(413, "payload_too_large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
    TOO_MANY_REQUESTS(429, "too_many_requests"),
    SERVER_ERROR(500, "server_error"),
    BAD_GATEWAY(502, "bad_gateway"),
    SERVICE_UNAVAILABLE(503, "service_unavailable"),
    GATEWAY_TIMEOUT(504, "gateway_timeout");

    private final int status;
    private final String code;

    ErrorCode(int status, String code) {
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public ErrorBody body(String description) {
        return new ErrorBody(code, code, description);
    }

    /** The code for an HTTP status the framework produced on its own (no exception of ours). */
    public static ErrorCode forStatus(int status) {
        return switch (status) {
            case 400 -> INVALID_REQUEST;
            case 401 -> UNAUTHORIZED;
            case 403 -> INSUFFICIENT_SCOPE;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 408 -> REQUEST_TIMEOUT;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 429 -> TOO_MANY_REQUESTS;
            case 502 -> BAD_GATEWAY;
            case 503 -> SERVICE_UNAVAILABLE;
            case 504 -> GATEWAY_TIMEOUT;
            default -> status >= 400 && status < 500 ? INVALID_REQUEST : SERVER_ERROR;
        };
    }
}
