package dev.countersign.notifier.delivery.push;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.notifier.config.NotifierConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * APNs over HTTP/2 through Pushy, with token (p8) authentication. Pushy runs on its own Netty
 * event loop and answers with a future; it is bridged to a Uni that resumes on the caller's
 * Vert.x context, so nothing blocks and callers stay on their own thread model.
 */
@Singleton
public class ApnsChannel implements PushChannel {

    public static final String NAME = "apns";

    private static final Logger LOG = Logger.getLogger(ApnsChannel.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** APNs refuses longer collapse ids. */
    private static final int MAX_COLLAPSE_ID_BYTES = 64;
    /** Without the challenge's expiry: challenges live minutes, so a day-old push is noise. */
    private static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(10);

    private final NotifierConfig.Apns config;
    private final Clock clock;
    private final ApnsClient client;

    @Inject
    public ApnsChannel(NotifierConfig config, Clock clock) {
        this(config.apns(), clock);
    }

    public ApnsChannel(NotifierConfig.Apns config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.client = configured(config) ? build(config) : null;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean enabled() {
        return client != null;
    }

    @Override
    public Uni<ChannelResult> send(String deviceToken, PushNotification notification) {
        if (client == null) {
            return Uni.createFrom().item(ChannelResult.rejected("not configured", null));
        }
        SimpleApnsPushNotification push = new SimpleApnsPushNotification(deviceToken, config.topic().orElseThrow(),
                payload(notification), expiration(notification),
                notification.visible() ? DeliveryPriority.IMMEDIATE : DeliveryPriority.CONSERVE_POWER,
                notification.visible() ? PushType.ALERT : PushType.BACKGROUND, collapseId(notification));
        Context caller = Vertx.currentContext();
        Uni<ChannelResult> result = Uni.createFrom()
                .completionStage(() -> client.sendNotification(push))
                .map(ApnsChannel::result)
                .ifNoItem().after(config.timeout()).failWith(TimeoutException::new)
                .onFailure().recoverWithItem(ApnsChannel::failure);
        // Pushy completes on its own event loop; hand the answer back to the caller's context.
        return caller == null ? result : result.emitOn(task -> caller.runOnContext(ignored -> task.run()));
    }

    /** The APNs payload: the alert (or a silent background wake-up) and the data the app needs to fetch. */
    static String payload(PushNotification notification) {
        Map<String, Object> aps = new LinkedHashMap<>();
        if (notification.visible()) {
            Map<String, String> alert = new LinkedHashMap<>();
            if (notification.title() != null) {
                alert.put("title", notification.title());
            }
            if (notification.body() != null) {
                alert.put("body", notification.body());
            }
            aps.put("alert", alert);
            aps.put("sound", "default");
        } else {
            aps.put("content-available", 1);
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("aps", aps);
        payload.putAll(notification.data());
        try {
            return JSON.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("APNs payload not serialisable", e);
        }
    }

    static ChannelResult result(PushNotificationResponse<?> response) {
        int status = response.getStatusCode();
        if (response.isAccepted()) {
            return ChannelResult.accepted(status);
        }
        String reason = response.getRejectionReason().orElse("HTTP " + status);
        // 410 is APNs' "this token is no longer active"; BadDeviceToken/ExpiredToken say the same
        // of a token that never was or no longer is valid for this app.
        if (status == 410 || "Unregistered".equals(reason) || "BadDeviceToken".equals(reason)
                || "ExpiredToken".equals(reason)) {
            return ChannelResult.unregistered(reason, status);
        }
        if (status == 429 || status >= 500) {
            return ChannelResult.failed(reason, status);
        }
        return ChannelResult.rejected(reason, status);
    }

    static ChannelResult failure(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return ChannelResult.failed("timeout", null);
        }
        return ChannelResult.failed("network error (" + failure.getClass().getSimpleName() + ")", null);
    }

    private Instant expiration(PushNotification notification) {
        return notification.expiresAt() != null ? notification.expiresAt() : clock.instant().plus(DEFAULT_LIFETIME);
    }

    /** One challenge shows once on the phone even if it is sent again. */
    private static String collapseId(PushNotification notification) {
        String id = notification.challengeId();
        return id != null && id.getBytes(StandardCharsets.UTF_8).length <= MAX_COLLAPSE_ID_BYTES ? id : null;
    }

    private static boolean configured(NotifierConfig.Apns config) {
        List<String> missing = new ArrayList<>();
        if (config.signingKey().isEmpty() && config.signingKeyPath().isEmpty()) {
            missing.add("signing-key (or signing-key-path)");
        }
        if (config.teamId().isEmpty()) {
            missing.add("team-id");
        }
        if (config.keyId().isEmpty()) {
            missing.add("key-id");
        }
        if (config.topic().isEmpty()) {
            missing.add("topic");
        }
        if (missing.size() == 4) {
            return false;
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("countersign.notifier.apns is partly configured; missing " + missing);
        }
        return true;
    }

    private static ApnsClient build(NotifierConfig.Apns config) {
        String host = config.host().orElse(
                config.production() ? ApnsClientBuilder.PRODUCTION_APNS_HOST : ApnsClientBuilder.DEVELOPMENT_APNS_HOST);
        try (InputStream key = signingKey(config)) {
            ApnsClientBuilder builder = new ApnsClientBuilder()
                    .setApnsServer(host, config.port())
                    .setSigningKey(ApnsSigningKey.loadFromInputStream(key, config.teamId().orElseThrow(),
                            config.keyId().orElseThrow()))
                    .setConnectionTimeout(config.timeout())
                    .setConcurrentConnections(1);
            if (config.trustedCertificatesPath().isPresent()) {
                builder.setTrustedServerCertificateChain(config.trustedCertificatesPath().get().toFile());
            }
            ApnsClient client = builder.build();
            LOG.infof("APNs channel on %s:%d, topic %s", host, config.port(), config.topic().orElseThrow());
            return client;
        } catch (IOException | GeneralSecurityException e) {
            // The message names the failing step, never the key.
            throw new IllegalStateException("APNs channel cannot start: " + e.getClass().getSimpleName(), e);
        }
    }

    private static InputStream signingKey(NotifierConfig.Apns config) throws IOException {
        if (config.signingKey().isPresent()) {
            return new ByteArrayInputStream(config.signingKey().get().getBytes(StandardCharsets.US_ASCII));
        }
        return Files.newInputStream(config.signingKeyPath().orElseThrow());
    }

    @PreDestroy
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
