package dev.countersign.notifier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import dev.countersign.testkit.TestTenants;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points the test tenant's webhook at a free loopback port, where {@link WebhookReceiver} listens
 * (the tests start it: they inspect what it received, and a test resource lives in another class
 * loader). The secret is the tenant's Server API key, as Authsignal signs with it — so the real
 * {@code @authsignal/node} verifies with the key it is constructed with.
 */
public class WebhookReceiverConfig implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String tenant = "countersign.tenants.\"" + TestTenants.TENANT_ID + "\".";
        return Map.of(
                tenant + "webhook-url", "http://127.0.0.1:" + port + WebhookReceiver.PATH,
                tenant + "webhook-secret", TestTenants.SECRET_KEY);
    }

    @Override
    public void stop() {
    }
}
