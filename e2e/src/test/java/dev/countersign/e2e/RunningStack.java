package dev.countersign.e2e;

import dev.countersign.local.launcher.CountersignStack;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Hands Jupiter tests the run's one Countersign, its webhook sink, push providers and trace receiver ({@link SharedStack}). */
public final class RunningStack implements ParameterResolver {

    /** See {@link SharedStack#PAGE_ORIGIN}. */
    static final String PAGE_ORIGIN = SharedStack.PAGE_ORIGIN;

    /** See {@link SharedStack#ATTESTED_TENANT}. */
    static final String ATTESTED_TENANT = SharedStack.ATTESTED_TENANT;
    static final String APP_ID = SharedStack.APP_ID;
    static final String PACKAGE_NAME = SharedStack.PACKAGE_NAME;

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == CountersignStack.class || type == WebhookSink.class || type == PushProviders.class
                || type == OtlpReceiver.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        SharedStack.Parts parts = SharedStack.get();
        Class<?> type = parameter.getParameter().getType();
        if (type == PushProviders.class) {
            return parts.providers();
        }
        if (type == OtlpReceiver.class) {
            return parts.traces();
        }
        return type == WebhookSink.class ? parts.sink() : parts.stack();
    }
}
