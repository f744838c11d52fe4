package dev.countersign.credential.service;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import io.smallrye.mutiny.Uni;

/** See {@link RunsToCompletion}. Before every platform interceptor, so it wraps the session's. */
@RunsToCompletion
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE)
public class RunsToCompletionInterceptor {

    @AroundInvoke
    Object shield(InvocationContext context) throws Exception {
        Object result = context.proceed();
        if (result instanceof Uni<?> work) {
            // A memoized Uni's subscriber cancelling only leaves; the work goes on. Deferred, so
            // every subscription (a retry) runs the work afresh rather than replaying the first.
            return Uni.createFrom().deferred(() -> work.memoize().indefinitely());
        }
        return result;
    }
}
