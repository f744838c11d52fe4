package dev.countersign.common.error;

import java.time.Duration;
import java.util.Optional;

import dev.countersign.common.audit.AuthFailure;

/**
 * A refusal that the client should see as {@code {error, errorCode, errorDescription}}.
 * Thrown anywhere in a request; the exception mappers turn it into the response.
 */
public class ApiException extends RuntimeException {

    private final ErrorCode code;
    private final Duration retryAfter;
    private final AuthFailure authFailure;

    public ApiException(ErrorCode code, String description) {
        this(code, description, null);
    }

    public ApiException(ErrorCode code, String description, Duration retryAfter) {
        this(code, description, retryAfter, null);
    }

    private ApiException(ErrorCode code, String description, Duration retryAfter, AuthFailure authFailure) {
        super(description, null, false, false);
        this.code = code;
        this.retryAfter = retryAfter;
        this.authFailure = authFailure;
    }

    /** A 401 or 403 whose audit record ({@code auth.failed}) names {@code reason}. */
    public static ApiException authentication(ErrorCode code, AuthFailure reason, String description) {
        return new ApiException(code, description, null, reason);
    }

    /** Why authentication failed, when the thrower said so. */
    public Optional<AuthFailure> authFailure() {
        return Optional.ofNullable(authFailure);
    }

    public ErrorCode code() {
        return code;
    }

    /** For {@link ErrorCode#TOO_MANY_REQUESTS} and {@link ErrorCode#SERVICE_UNAVAILABLE}: the {@code Retry-After} to send, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public ErrorBody body() {
        return code.body(getMessage());
    }
}
