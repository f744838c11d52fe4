package dev.countersign.e2e;

import dev.countersign.local.infra.FreePorts;
import dev.countersign.local.launcher.CountersignStack;
import dev.countersign.local.launcher.StackSettings;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One Countersign for the whole test run, started with the launcher's own code (real servers,
 * the three packaged services as processes — two notifier replicas, for the kiosk sockets' scale-out —
 * the edge on a free port) and stopped at the end; its demo tenant's {@code push.created} webhooks go
 * to a {@link WebhookSink} started first, and its APNs / FCM notifications to the
 * {@link PushProviders} (mock APNs, local FCM), also started first.
 */
public final class RunningStack implements ParameterResolver {

    /**
     * The system property naming a second browser origin the demo tenant allows,
     * {@code http://localhost:<free port>}: the compat suite serves its browser page there, so the
     * page calls the API (on 127.0.0.1) cross-origin and CORS preflights are exercised.
     */
    static final String PAGE_ORIGIN = "countersign.e2e.page-origin";

    private static StackSettings withPageOrigin(StackSettings settings) {
        String origin = "http://localhost:" + FreePorts.pick();
        System.setProperty(PAGE_ORIGIN, origin);
        return settings.withAllowedOrigins(settings.allowedOrigins().map(o -> o + "," + origin).orElse(origin));
    }

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
                key -> CountersignStack.start(withPageOrigin(StackSettings.fromEnvironment()).withEdgePort(0)
                        .withWebhookUrl(sink.webhookUrl()).withPushChannels(providers.environment())
                        .withNotifierReplicas(2)),
                CountersignStack.class);
        if (parameter.getParameter().getType() == PushProviders.class) {
            return providers;
        }
        return parameter.getParameter().getType() == WebhookSink.class ? sink : stack;
    }
}
