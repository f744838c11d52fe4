package dev.countersign.common.http;

import java.util.List;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.countersign.common.config.CountersignConfig;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.HttpServerRequest;

/**
 * The client address of a request ({@link ClientAddress}) with this deployment's
 * {@code countersign.trusted-proxies}, read once. A resource gets the request with
 * {@code @Context HttpServerRequest request} and calls {@link #of}.
 */
@Singleton
public class ClientAddresses {

    static final String X_FORWARDED_FOR = "X-Forwarded-For";

    private final ClientAddress resolver;

    @Inject
    public ClientAddresses(CountersignConfig config) {
        this(config.trustedProxies().orElse(List.of()));
    }

    public ClientAddresses(List<String> trustedProxyCidrs) {
        this.resolver = ClientAddress.trusting(trustedProxyCidrs);
    }

    /** Parses the CIDRs at start, so a bad {@code countersign.trusted-proxies} stops the service rather than a request. */
    void validateAtStartup(@Observes StartupEvent event) {
        // Construction has parsed them already.
    }

    /** The client's address: the peer, or what trusted proxies say in {@code X-Forwarded-For} (every header line). */
    public String of(HttpServerRequest request) {
        String peer = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        List<String> lines = request.headers().getAll(X_FORWARDED_FOR);
        String forwardedFor = lines == null || lines.isEmpty() ? null : String.join(",", lines);
        return resolver.of(peer, forwardedFor);
    }

    /** The same rule for a peer address and a header value obtained elsewhere (a WebSocket handshake, a test). */
    public String of(String remoteAddress, String xForwardedFor) {
        return resolver.of(remoteAddress, xForwardedFor);
    }
}
