package dev.countersign.e2e;

import dev.countersign.local.launcher.CountersignStack;
import dev.countersign.local.launcher.StackSettings;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One Countersign for the whole test run, started with the launcher's own code (real servers,
 * the three packaged services as processes, the edge on a free port) and stopped at the end; its
 * demo tenant's {@code push.created} webhooks go to a {@link WebhookSink} started first, and its
 * APNs / FCM notifications to the {@link PushProviders} (mock APNs, local FCM), also started first.
 */
public final class RunningStack implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == CountersignStack.class || type == WebhookSink.class || type == PushProviders.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
        WebhookSink sink = store.getOrComputeIfAbsent(WebhookSink.class, key -> WebhookSink.start(), WebhookSink.class);
        PushProviders providers = store.getOrComputeIfAbsent(PushProviders.class, key -> PushProviders.start(),
                PushProviders.class);
        CountersignStack stack = store.getOrComputeIfAbsent(CountersignStack.class,
                key -> CountersignStack.start(StackSettings.fromEnvironment().withEdgePort(0)
                        .withWebhookUrl(sink.webhookUrl()).withPushChannels(providers.environment())),
                CountersignStack.class);
        if (parameter.getParameter().getType() == PushProviders.class) {
            return providers;
        }
        return parameter.getParameter().getType() == WebhookSink.class ? sink : stack;
    }
}
