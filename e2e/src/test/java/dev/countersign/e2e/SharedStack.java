package dev.countersign.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.countersign.device.attestation.AppAttestAuthority;
import dev.countersign.device.attestation.PlayIntegrityAuthority;
import dev.countersign.local.infra.FreePorts;
import dev.countersign.local.launcher.CountersignStack;
import dev.countersign.local.launcher.StackSettings;
import dev.countersign.local.launcher.TenantAttestation;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * One Countersign for the whole test run, shared by every test engine: Jupiter tests get it through
 * {@link RunningStack}, jqwik properties (which run no Jupiter extensions) call {@link #get()}.
 * Started on first use with the launcher's own code (real servers, the three packaged services as
 * processes — two notifier replicas, for the kiosk sockets' scale-out — the edge on a free port);
 * its demo tenant's {@code push.created} webhooks go to a {@link WebhookSink} started first, and its
 * APNs / FCM notifications to the {@link PushProviders}, also started first, and every service's
 * spans to the {@link OtlpReceiver} (so the run traces, as a deployment with a collector does). Besides the demo tenant
 * (every attestation policy {@code off}) it runs {@link #ATTESTED_TENANT}, which enforces attestation
 * on both platforms against device-simulator's test authorities. Stopped when the
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

    /** A tenant enforcing App Attest ({@link #APP_ID}) and Play Integrity ({@link #PACKAGE_NAME}). */
    static final String ATTESTED_TENANT = "attested";
    static final String APP_ID = "TEAMID1234.dev.countersign.e2e";
    static final String PACKAGE_NAME = "dev.countersign.e2e";

    record Parts(CountersignStack stack, WebhookSink sink, PushProviders providers, OtlpReceiver traces) {
    }

    private static Parts parts;

    static synchronized Parts get() {
        if (parts == null) {
            WebhookSink sink = WebhookSink.start();
            PushProviders providers = PushProviders.start();
            OtlpReceiver traces = OtlpReceiver.start();
            try {
                StackSettings settings = withAttestedTenant(withPageOrigin(StackSettings.fromEnvironment()))
                        .withEdgePort(0).withWebhookUrl(sink.webhookUrl()).withPushChannels(providers.environment())
                        .withNotifierReplicas(2).withOtlpEndpoint(traces.endpoint());
                CountersignStack stack = CountersignStack.start(settings, attestation(settings));
                parts = new Parts(stack, sink, providers, traces);
            } catch (RuntimeException e) {
                traces.close();
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

    private static StackSettings withAttestedTenant(StackSettings settings) {
        List<String> tenants = new ArrayList<>(settings.tenantIds());
        if (!tenants.contains(ATTESTED_TENANT)) {
            tenants.add(ATTESTED_TENANT);
        }
        return settings.withTenantIds(tenants);
    }

    /** The run command's own attestation settings, with the attested tenant's and the test App Attest root. */
    private static TenantAttestation attestation(StackSettings settings) {
        return TenantAttestation.fromEnvironment(settings.tenantIds())
                .withTenant(ATTESTED_TENANT, Map.of(
                        "ios.mode", "enforce",
                        "ios.app-id", APP_ID,
                        "android.mode", "enforce",
                        "android.package-name", PACKAGE_NAME,
                        "android.decryption-key", PlayIntegrityAuthority.TEST_DECRYPTION_KEY,
                        "android.verification-key", PlayIntegrityAuthority.TEST_VERIFICATION_KEY))
                .withAppAttestRoots(List.of(AppAttestAuthority.TEST_ROOT_CERTIFICATE));
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
                parts.traces().close();
                parts = null;
            }
        }
    }
}
