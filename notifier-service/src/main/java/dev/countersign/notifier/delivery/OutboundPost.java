package dev.countersign.notifier.delivery;

import java.net.URI;
import java.time.Duration;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * The one shape of every POST the notifier sends out (webhook, FCM and its OAuth token): redirects
 * are never followed, so a signed body or a credential cannot wander to another host, and every
 * request has its connect and read timeout.
 */
public final class OutboundPost {

    private OutboundPost() {
    }

    public static RequestOptions to(URI url, String contentType, Duration connectTimeout, Duration readTimeout) {
        return new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(url.toString())
                .setFollowRedirects(false)
                .setConnectTimeout(connectTimeout.toMillis())
                .setIdleTimeout(readTimeout.toMillis())
                .putHeader("Content-Type", contentType)
                .putHeader("User-Agent", "countersign-notifier");
    }
}
