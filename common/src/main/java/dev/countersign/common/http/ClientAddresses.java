package dev.countersign.common.http;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.countersign.common.config.CountersignConfig;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * The client address of a request ({@link ClientAddress}) with this deployment's
 * {@code countersign.trusted-proxies}, read once. A resource gets the request with
 * {@code @Context HttpServerRequest request} and calls {@link #of}; a per-address limit asks
 * {@link #counted} which address it counts.
 */
@Singleton
public class ClientAddresses {

    static final String X_FORWARDED_FOR = "X-Forwarded-For";
    static final String X_FORWARDED_HOST = "X-Forwarded-Host";

    private final ClientAddress resolver;
    private final boolean exemptLoopbackPeers;

    @Inject
    public ClientAddresses(CountersignConfig config) {
        this(config.trustedProxies().orElse(List.of()), config.exemptLoopbackPeers());
    }

    public ClientAddresses(List<String> trustedProxyCidrs, boolean exemptLoopbackPeers) {
        this.resolver = ClientAddress.trusting(trustedProxyCidrs);
        this.exemptLoopbackPeers = exemptLoopbackPeers;
    }

    /** Parses the CIDRs at start, so a bad {@code countersign.trusted-proxies} stops the service rather than a request. */
    void validateAtStartup(@Observes StartupEvent event) {
        // Construction has parsed them already.
    }

    /** The client's address: the peer, or what trusted proxies say in {@code X-Forwarded-For} (every header line). */
    public String of(HttpServerRequest request) {
        return client(request).address();
    }

    /** The client as {@link #of} resolves it, and whether it is the direct peer. */
    public ClientAddress.Client client(HttpServerRequest request) {
        String peer = peerOf(request);
        List<String> lines = request.headers().getAll(X_FORWARDED_FOR);
        String forwardedFor = lines == null || lines.isEmpty() ? null : String.join(",", lines);
        return resolver.client(peer, forwardedFor);
    }

    /** The address a per-address limit counts for this request; see {@link #counted(ClientAddress.Client)}. */
    public Optional<String> counted(HttpServerRequest request) {
        return counted(client(request));
    }

    /**
     * The address a per-address limit counts, or empty for one it does not count: no address, or,
     * with {@code countersign.exempt-loopback-peers} on (the local run), a loopback peer that
     * connected directly. Only the direct peer is exempt: a loopback address a trusted proxy put in
     * {@code X-Forwarded-For} is anyone's claim, and a sidecar or proxy on the host connects from
     * the loopback for every client behind it.
     */
    public Optional<String> counted(ClientAddress.Client client) {
        if (client.address() == null || client.address().isBlank()) {
            return Optional.empty();
        }
        if (exemptLoopbackPeers && client.direct() && ClientAddress.isLoopback(client.address())) {
            return Optional.empty();
        }
        return Optional.of(client.address());
    }

    /**
     * The host the browser addressed, as the first trusted proxy wrote it in
     * {@code X-Forwarded-Host} (a chain appends, so the first entry); empty when the direct peer is
     * not a trusted proxy — a client's own {@code X-Forwarded-Host} would let any page pass as
     * same-origin. Same-origin checks (REST CORS, the kiosk socket's {@code Origin}) read it here.
     */
    public Optional<String> forwardedHost(HttpServerRequest request) {
        String peer = peerOf(request);
        String header = request.getHeader(X_FORWARDED_HOST);
        if (header == null || !resolver.isTrusted(peer)) {
            return Optional.empty();
        }
        String first = header.split(",", 2)[0].trim();
        return first.isEmpty() ? Optional.empty() : Optional.of(first);
    }

    /**
     * The direct peer's address, read from the connection: {@code request.remoteAddress()} would
     * first run Vert.x's forwarded-header parser (its own rules, and a quarter of the bytes a push
     * request allocated), while the headers proxies add are judged here, by the trusted-proxy rule.
     */
    public static String peerOf(HttpServerRequest request) {
        SocketAddress peer = request.connection() != null ? request.connection().remoteAddress() : request.remoteAddress();
        return peer == null ? null : peer.hostAddress();
    }

    /** The same rule for a peer address and a header value obtained elsewhere (a WebSocket handshake, a test). */
    public String of(String remoteAddress, String xForwardedFor) {
        return resolver.of(remoteAddress, xForwardedFor);
    }
}
