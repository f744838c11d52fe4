package dev.countersign.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.eatthepath.pushy.apns.auth.ApnsVerificationKey;
import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.MockApnsServerListener;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.server.ValidatingPushNotificationHandlerFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.common.event.DeliveryStatus;
import dev.countersign.notifier.config.NotifierConfig;
import dev.countersign.notifier.delivery.push.ApnsChannel;
import dev.countersign.notifier.delivery.push.ChannelResult;
import dev.countersign.notifier.delivery.push.PushNotification;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * The APNs channel against Pushy's own mock APNs server, which checks the provider token's ES256
 * signature with the test's public key, the topic the key may send to and the device token.
 */
class ApnsChannelTest {

    private static final String TEAM_ID = "TEAM123456";
    private static final String KEY_ID = "KEY1234567";
    private static final String TOPIC = "dev.countersign.demo";
    private static final String DEVICE = "a".repeat(64);
    private static final String OTHER_APPS_DEVICE = "b".repeat(64);
    private static final String UNINSTALLED_DEVICE = "c".repeat(64);
    private static final Instant NOW = Instant.parse("2026-11-30T01:02:03Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<Received> accepted = new CopyOnWriteArrayList<>();
    private static final List<Received> rejected = new CopyOnWriteArrayList<>();
    private static MockApnsServer server;
    private static int port;
    private static Path trustedCertificate;
    private static KeyPair signingKey;

    private ApnsChannel channel;

    record Received(String path, String topic, String pushType, String priority, String collapseId,
            String expiration, String payload, RejectionReason reason) {

        static Received of(Http2Headers headers, ByteBuf payload, RejectionReason reason) {
            return new Received(str(headers.path()), str(headers.get("apns-topic")), str(headers.get("apns-push-type")),
                    str(headers.get("apns-priority")), str(headers.get("apns-collapse-id")),
                    str(headers.get("apns-expiration")),
                    payload == null ? null : payload.toString(StandardCharsets.UTF_8), reason);
        }

        private static String str(CharSequence value) {
            return value == null ? null : value.toString();
        }
    }

    @BeforeAll
    static void startMockApns() throws Exception {
        KeyPair tls = TestCertificates.p256();
        X509Certificate certificate = TestCertificates.selfSigned(tls);
        trustedCertificate = TestCertificates.pemFile(certificate);
        signingKey = TestCertificates.p256();
        ApnsVerificationKey verificationKey = new ApnsVerificationKey(KEY_ID, TEAM_ID,
                (ECPublicKey) signingKey.getPublic());
        server = new MockApnsServerBuilder()
                .setServerCredentials(new X509Certificate[] {certificate}, tls.getPrivate(), null)
                .setHandlerFactory(new ValidatingPushNotificationHandlerFactory(
                        Map.of(TOPIC, Set.of(DEVICE), "com.other.app", Set.of(OTHER_APPS_DEVICE)),
                        Map.of(UNINSTALLED_DEVICE, NOW.minusSeconds(3600)),
                        Map.of(KEY_ID, verificationKey),
                        Map.of(verificationKey, Set.of(TOPIC))))
                .setListener(new MockApnsServerListener() {
                    @Override
                    public void handlePushNotificationAccepted(Http2Headers headers, ByteBuf payload) {
                        accepted.add(Received.of(headers, payload, null));
                    }

                    @Override
                    public void handlePushNotificationRejected(Http2Headers headers, ByteBuf payload,
                            RejectionReason reason, Instant expiration) {
                        rejected.add(Received.of(headers, payload, reason));
                    }
                })
                .build();
        port = server.start(0).get();
    }

    @AfterAll
    static void stopMockApns() throws Exception {
        server.shutdown().get();
    }

    @BeforeEach
    void freshChannel() {
        accepted.clear();
        rejected.clear();
        channel = new ApnsChannel(config(Optional.of(TestCertificates.pkcs8Pem(signingKey)), Optional.of(TOPIC)), CLOCK);
    }

    @org.junit.jupiter.api.AfterEach
    void closeChannel() {
        channel.close();
    }

    @Test
    void sendWhenDeviceRegisteredThenExactlyOneWellFormedNotification() throws Exception {
        PushNotification push = new PushNotification("test-tenant", "ch-123", "Sign-in request", "Approve on this phone?",
                NOW.plusSeconds(300));

        ChannelResult result = channel.send(DEVICE, push).await().atMost(Duration.ofSeconds(10));

        assertThat(result).isEqualTo(ChannelResult.accepted(200));
        awaitCount(accepted, 1);
        assertThat(accepted).hasSize(1);
        assertThat(rejected).isEmpty();
        Received received = accepted.get(0);
        assertThat(received.path()).isEqualTo("/3/device/" + DEVICE);
        assertThat(received.topic()).isEqualTo(TOPIC);
        assertThat(received.pushType()).isEqualTo("alert");
        assertThat(received.priority()).isEqualTo("10");
        assertThat(received.collapseId()).isEqualTo("ch-123");
        assertThat(received.expiration()).isEqualTo(String.valueOf(NOW.plusSeconds(300).getEpochSecond()));
        JsonNode payload = JSON.readTree(received.payload());
        assertThat(payload).isEqualTo(JSON.readTree("""
                {"aps":{"alert":{"title":"Sign-in request","body":"Approve on this phone?"},"sound":"default"},
                 "challengeId":"ch-123","tenantId":"test-tenant"}"""));
    }

    @Test
    void sendWhenDataOnlyThenSilentBackgroundPushWithoutAlert() throws Exception {
        ChannelResult result = channel.send(DEVICE, PushNotification.dataOnly("test-tenant", "ch-9", null))
                .await().atMost(Duration.ofSeconds(10));

        assertThat(result.accepted()).isTrue();
        awaitCount(accepted, 1);
        Received received = accepted.get(0);
        assertThat(received.pushType()).isEqualTo("background");
        assertThat(received.priority()).isEqualTo("5");
        // No expiry given: the channel's ten minutes from the injected clock.
        assertThat(received.expiration()).isEqualTo(String.valueOf(NOW.plusSeconds(600).getEpochSecond()));
        assertThat(JSON.readTree(received.payload())).isEqualTo(JSON.readTree("""
                {"aps":{"content-available":1},"challengeId":"ch-9","tenantId":"test-tenant"}"""));
    }

    @Test
    void sendWhenDeviceUnregisteredThenUnregistered() {
        ChannelResult result = channel.send(UNINSTALLED_DEVICE, push()).await().atMost(Duration.ofSeconds(10));

        assertThat(result).isEqualTo(ChannelResult.unregistered("Unregistered", 410));
        assertThat(result.retryable()).isFalse();
        assertThat(accepted).isEmpty();
    }

    @Test
    void sendWhenTokenMalformedThenBadDeviceTokenReportedAsUnregistered() {
        ChannelResult result = channel.send("not-a-device-token", push()).await().atMost(Duration.ofSeconds(10));

        assertThat(result).isEqualTo(ChannelResult.unregistered("BadDeviceToken", 400));
        assertThat(accepted).isEmpty();
    }

    @Test
    void sendWhenTokenOfAnotherAppThenRejected() {
        ChannelResult result = channel.send(OTHER_APPS_DEVICE, push()).await().atMost(Duration.ofSeconds(10));

        assertThat(result).isEqualTo(ChannelResult.rejected("DeviceTokenNotForTopic", 400));
        assertThat(result.retryable()).isFalse();
        assertThat(accepted).isEmpty();
    }

    @Test
    void sendWhenSigningKeyNotTheRegisteredOneThenRejectedAndNothingDelivered() {
        channel.close();
        channel = new ApnsChannel(
                config(Optional.of(TestCertificates.pkcs8Pem(TestCertificates.p256())), Optional.of(TOPIC)), CLOCK);

        ChannelResult result = channel.send(DEVICE, push()).await().atMost(Duration.ofSeconds(10));

        assertThat(result).isEqualTo(ChannelResult.rejected("InvalidProviderToken", 403));
        assertThat(accepted).isEmpty();
    }

    @Test
    void sendWhenServerDownThenFailedRetryable() {
        channel.close();
        channel = new ApnsChannel(new ApnsConfig(Optional.of(TestCertificates.pkcs8Pem(signingKey)), Optional.empty(),
                Optional.of(TEAM_ID), Optional.of(KEY_ID), Optional.of(TOPIC), true, Optional.of("localhost"),
                freePort(), Optional.of(trustedCertificate), Duration.ofSeconds(2)), CLOCK);

        ChannelResult result = channel.send(DEVICE, push()).await().atMost(Duration.ofSeconds(10));

        assertThat(result.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(result.retryable()).isTrue();
        assertThat(result.reason()).doesNotContain(DEVICE);
    }

    @Test
    void channelWhenNotConfiguredThenDisabledAndSendRejected() {
        ApnsChannel off = new ApnsChannel(new ApnsConfig(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), true, Optional.empty(), 443, Optional.empty(), Duration.ofSeconds(1)),
                CLOCK);

        assertThat(off.enabled()).isFalse();
        assertThat(off.send(DEVICE, push()).await().indefinitely()).isEqualTo(ChannelResult.rejected("not configured", null));
    }

    @Test
    void channelWhenPartlyConfiguredThenRefusesToStart() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ApnsChannel(
                config(Optional.of(TestCertificates.pkcs8Pem(signingKey)), Optional.empty()), CLOCK))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("topic");
    }

    private static PushNotification push() {
        return PushNotification.dataOnly("test-tenant", "ch-1", NOW.plusSeconds(300));
    }

    private static ApnsConfig config(Optional<String> key, Optional<String> topic) {
        return new ApnsConfig(key, Optional.empty(), Optional.of(TEAM_ID), Optional.of(KEY_ID), topic, true,
                Optional.of("localhost"), port, Optional.of(trustedCertificate), Duration.ofSeconds(5));
    }

    private static int freePort() {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The mock server tells its listener right after writing the answer, on its own thread. */
    private static void awaitCount(List<?> list, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (list.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    record ApnsConfig(Optional<String> signingKey, Optional<Path> signingKeyPath, Optional<String> teamId,
            Optional<String> keyId, Optional<String> topic, boolean production, Optional<String> host, int port,
            Optional<Path> trustedCertificatesPath, Duration timeout) implements NotifierConfig.Apns {
    }
}
