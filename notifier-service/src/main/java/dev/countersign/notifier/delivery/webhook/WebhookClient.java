package dev.countersign.notifier.delivery.webhook;

import java.net.URI;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import dev.countersign.common.http.RetryAfter;
import dev.countersign.notifier.config.NotifierConfig;
import dev.countersign.notifier.delivery.OutboundPost;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;

/**
 * POSTs a webhook and answers the receiver's status (and its {@code Retry-After}, if any); a network
 * error or timeout fails the Uni.
 * Redirects are not followed (a signed body must not wander to another host) and the response
 * body is discarded unread.
 */
@Singleton
public class WebhookClient {

    private final HttpClient client;
    private final NotifierConfig.Webhook config;

    public WebhookClient(Vertx vertx, NotifierConfig config) {
        this.config = config.webhook();
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) this.config.connectTimeout().toMillis())
                .setMaxPoolSize(32)
                .setKeepAlive(true));
    }

    /** The receiver's answer: its status and the {@code Retry-After} header it sent, or null. */
    public record Reply(int status, String retryAfter) {
    }

    public Uni<Reply> post(URI url, byte[] body, String signature) {
        RequestOptions request = OutboundPost.to(url, "application/json", config.connectTimeout(), config.readTimeout())
                .putHeader(WebhookSignature.HEADER, signature);
        return client.request(request)
                .flatMap(r -> r.send(Buffer.buffer(body)))
                .flatMap(response -> {
                    response.handler(ignored -> {
                    });
                    return response.end().replaceWith(new Reply(response.statusCode(), response.getHeader(RetryAfter.HEADER)));
                });
    }

    @PreDestroy
    void close() {
        client.closeAndAwait();
    }
}
