package dev.countersign.e2e;

import dev.countersign.local.infra.FreePorts;
import dev.countersign.local.launcher.CountersignStack;
import dev.countersign.local.launcher.StackSettings;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * One Countersign for the whole test run, shared by every test engine: Jupiter tests get it through
 * {@link RunningStack}, jqwik properties (which run no Jupiter extensions) call {@link #get()}.
 * Started on first use with the launcher's own code (real servers, the three packaged services as
 * processes — two notifier replicas, for the kiosk sockets' scale-out — the edge on a free port);
 * its demo tenant's {@code push.created} webhooks go to a {@link WebhookSink} started first, and its
 * APNs / FCM notifications to the {@link PushProviders}, also started first. Stopped when the
 * launcher session ends, after the last engine — a Jupiter root store would stop it after Jupiter
 * alone, and the next engine would start a second one. Registered in
 * {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}.
 */
public final class SharedStack implements LauncherSessionListener {

    /**
     * The system property naming a second browser origin the demo tenant allows,
     * {@code http://localhost:<free port>}: the compat suite serves its browser page there, so the
     * page calls the API (on 127.0.0.1) cross-origin and CORS preflights are exercised.
     */
    static final String PAGE_ORIGIN = "countersign.e2e.page-origin";

    record Parts(CountersignStack stack, WebhookSink sink, PushProviders providers) {
    }

    private static Parts parts;

    static synchronized Parts get() {
        if (parts == null) {
            WebhookSink sink = WebhookSink.start();
            PushProviders providers = PushProviders.start();
            try {
                CountersignStack stack = CountersignStack.start(withPageOrigin(StackSettings.fromEnvironment())
                        .withEdgePort(0).withWebhookUrl(sink.webhookUrl()).withPushChannels(providers.environment())
                        .withNotifierReplicas(2));
                parts = new Parts(stack, sink, providers);
            } catch (RuntimeException e) {
                providers.close();
                sink.close();
                throw e;
            }
        }
        return parts;
    }

    static CountersignStack stack() {
        return get().stack();
    }

    private static StackSettings withPageOrigin(StackSettings settings) {
        String origin = "http://localhost:" + FreePorts.pick();
        System.setProperty(PAGE_ORIGIN, origin);
        return settings.withAllowedOrigins(settings.allowedOrigins().map(o -> o + "," + origin).orElse(origin));
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        synchronized (SharedStack.class) {
            if (parts != null) {
                parts.stack().close();
                parts.providers().close();
                parts.sink().close();
                parts = null;
            }
        }
    }
}
