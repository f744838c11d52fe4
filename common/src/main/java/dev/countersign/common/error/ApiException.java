package dev.countersign.common.error;

import java.time.Duration;

/**
 * A refusal that the client should see as {@code {error, errorCode, errorDescription}}.
 * Thrown anywhere in a request; the exception mappers turn it into the response.
 */
public class ApiException extends RuntimeException {

    private final ErrorCode code;
    private final Duration retryAfter;

    public ApiException(ErrorCode code, String description) {
        this(code, description, null);
    }

    public ApiException(ErrorCode code, String description, Duration retryAfter) {
        super(description, null, false, false);
        this.code = code;
        this.retryAfter = retryAfter;
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
