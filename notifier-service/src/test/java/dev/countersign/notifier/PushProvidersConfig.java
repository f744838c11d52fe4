package dev.countersign.notifier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Turns the APNs and FCM channels on for the module's {@code @QuarkusTest}s, pointed at free
 * loopback ports where {@link ChannelDeliveryTest} starts Pushy's MockApnsServer and a fake FCM
 * (the test starts them: it inspects what they received, and a test resource lives in another
 * class loader). The key material goes to the test through JVM system properties outside the
 * {@code countersign.} prefix (see {@link #property}).
 */
public class PushProvidersConfig implements QuarkusTestResourceLifecycleManager {

    static final String TEAM_ID = "TEAM123456";
    static final String KEY_ID = "KEY1234567";
    static final String TOPIC = "dev.countersign.demo";
    static final String PROJECT = "demo-project";

    /** A value this resource handed to the test (ports, base64 keys). */
    static String property(String name) {
        return System.getProperty("push-providers-test." + name);
    }

    @Override
    public Map<String, String> start() {
        try {
            int apnsPort = freePort();
            int fcmPort = freePort();
            KeyPair tls = TestCertificates.p256();
            X509Certificate certificate = TestCertificates.selfSigned(tls);
            KeyPair signing = TestCertificates.p256();
            KeyPair account = TestCertificates.rsa2048();
            String fcmBase = "http://127.0.0.1:" + fcmPort;
            Path serviceAccount = Files.createTempFile("countersign-test-fcm", ".json");
            serviceAccount.toFile().deleteOnExit();
            Files.writeString(serviceAccount, new ObjectMapper().writeValueAsString(Map.of(
                    "type", "service_account", "project_id", PROJECT,
                    "client_email", "notifier@" + PROJECT + ".iam.gserviceaccount.com",
                    "private_key_id", "key-1", "private_key", TestCertificates.pkcs8Pem(account),
                    "token_uri", fcmBase + "/token")));
            Base64.Encoder b64 = Base64.getEncoder();
            System.setProperty("push-providers-test.apns-port", Integer.toString(apnsPort));
            System.setProperty("push-providers-test.fcm-port", Integer.toString(fcmPort));
            System.setProperty("push-providers-test.tls-key", b64.encodeToString(tls.getPrivate().getEncoded()));
            System.setProperty("push-providers-test.tls-certificate", b64.encodeToString(certificate.getEncoded()));
            System.setProperty("push-providers-test.signing-public-key",
                    b64.encodeToString(signing.getPublic().getEncoded()));
            System.setProperty("push-providers-test.account-public-key",
                    b64.encodeToString(account.getPublic().getEncoded()));
            return Map.of(
                    "countersign.notifier.apns.signing-key", TestCertificates.pkcs8Pem(signing),
                    "countersign.notifier.apns.team-id", TEAM_ID,
                    "countersign.notifier.apns.key-id", KEY_ID,
                    "countersign.notifier.apns.topic", TOPIC,
                    "countersign.notifier.apns.host", "localhost",
                    "countersign.notifier.apns.port", Integer.toString(apnsPort),
                    "countersign.notifier.apns.trusted-certificates-path",
                    TestCertificates.pemFile(certificate).toString(),
                    "countersign.notifier.apns.timeout", "PT3S",
                    "countersign.notifier.fcm.service-account-path", serviceAccount.toString(),
                    "countersign.notifier.fcm.base-url", fcmBase);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void stop() {
    }
}
