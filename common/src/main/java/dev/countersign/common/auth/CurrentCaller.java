package dev.countersign.common.auth;

import java.util.Optional;

import jakarta.enterprise.context.RequestScoped;

import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;

/** The {@link Caller} of the current request, as the {@link AuthenticationFilter} established it. */
@RequestScoped
public class CurrentCaller {

    private Caller caller;

    void set(Caller caller) {
        this.caller = caller;
    }

    /** The caller, when the filter established one (an audit record of a refusal names its tenant). */
    public Optional<Caller> find() {
        return Optional.ofNullable(caller);
    }

    public Caller get() {
        if (caller == null) {
            throw new ApiException(ErrorCode.UNAUTHORIZED, "Not authenticated");
        }
        return caller;
    }
}
