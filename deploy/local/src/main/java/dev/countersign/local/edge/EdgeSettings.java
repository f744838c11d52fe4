package dev.countersign.local.edge;

import static dev.countersign.local.infra.InfrastructureSettings.setting;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

import dev.countersign.common.config.QuarkusDuration;
import dev.countersign.common.http.IdleTimeouts;

/**
 * The edge's budgets and timeouts (docs/local-run.md#the-edge). Each is read from
 * {@code COUNTERSIGN_EDGE_<NAME>} or the system property {@code countersign.edge.<name>}; durations
 * are written as for Quarkus ({@code 500ms}, {@code 30s}, {@code 5m}, {@code PT30S}).
 *
 * @param requestPoolSize upstream connections per service for forwarded requests
 * @param requestQueueSize requests per service waiting for one of those connections; past it 503
 * @param requestQueueTimeout how long a request waits for a connection before 503
 * @param upstreamConnectTimeout TCP connect to a service; past it 502
 * @param upstreamResponseTimeout from the forwarded request to the service's response (and between
 *        its parts); past it 504
 * @param upstreamKeepAlive how long an unused pooled connection is kept; shorter than the services'
 *        {@code quarkus.http.idle-timeout} ({@link IdleTimeouts}), so the edge never reuses one the
 *        service is closing
 * @param clientIdleTimeout a client connection with no traffic, or waiting for its next request, is closed
 * @param requestHeaderTimeout a new connection's first request line and headers must arrive within it
 * @param requestBodyTimeout a request's body must arrive within it of its headers; past it 408
 * @param tunnelsPerService open WebSocket tunnels per service; past it 503
 * @param tunnelIdleTimeout a tunnel with no traffic either way is closed (longer than the kiosk's 30 s ping)
 */
public record EdgeSettings(
        int requestPoolSize,
        int requestQueueSize,
        Duration requestQueueTimeout,
        Duration upstreamConnectTimeout,
        Duration upstreamResponseTimeout,
        Duration upstreamKeepAlive,
        Duration clientIdleTimeout,
        Duration requestHeaderTimeout,
        Duration requestBodyTimeout,
        int tunnelsPerService,
        Duration tunnelIdleTimeout) {

    public static EdgeSettings defaults() {
        return new EdgeSettings(64, 256, Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(30),
                IdleTimeouts.clientKeepAlive(), Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(30),
                512, Duration.ofMinutes(5));
    }

    public EdgeSettings {
        if (requestPoolSize < 1 || requestQueueSize < 0 || tunnelsPerService < 1) {
            throw new IllegalArgumentException("Edge pool sizes must be positive (the queue may be 0)");
        }
        for (Duration d : new Duration[] {requestQueueTimeout, upstreamConnectTimeout, upstreamResponseTimeout,
            upstreamKeepAlive, clientIdleTimeout, requestHeaderTimeout, requestBodyTimeout, tunnelIdleTimeout}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("Edge timeouts must be positive");
            }
        }
        if (upstreamKeepAlive.toSeconds() < 1) {
            throw new IllegalArgumentException("The upstream keep-alive is counted in whole seconds");
        }
        if (upstreamKeepAlive.compareTo(IdleTimeouts.service()) >= 0) {
            throw new IllegalArgumentException("The upstream keep-alive must be shorter than the services' idle timeout ("
                    + IdleTimeouts.service().toSeconds() + " s)");
        }
    }

    public static EdgeSettings fromEnvironment() {
        EdgeSettings d = defaults();
        return new EdgeSettings(
                read("REQUEST_POOL_SIZE", Integer::parseInt, d.requestPoolSize),
                read("REQUEST_QUEUE_SIZE", Integer::parseInt, d.requestQueueSize),
                read("REQUEST_QUEUE_TIMEOUT", QuarkusDuration::parse, d.requestQueueTimeout),
                read("UPSTREAM_CONNECT_TIMEOUT", QuarkusDuration::parse, d.upstreamConnectTimeout),
                read("UPSTREAM_RESPONSE_TIMEOUT", QuarkusDuration::parse, d.upstreamResponseTimeout),
                read("UPSTREAM_KEEP_ALIVE", QuarkusDuration::parse, d.upstreamKeepAlive),
                read("CLIENT_IDLE_TIMEOUT", QuarkusDuration::parse, d.clientIdleTimeout),
                read("REQUEST_HEADER_TIMEOUT", QuarkusDuration::parse, d.requestHeaderTimeout),
                read("REQUEST_BODY_TIMEOUT", QuarkusDuration::parse, d.requestBodyTimeout),
                read("TUNNELS_PER_SERVICE", Integer::parseInt, d.tunnelsPerService),
                read("TUNNEL_IDLE_TIMEOUT", QuarkusDuration::parse, d.tunnelIdleTimeout));
    }

    private static <T> T read(String name, Function<String, T> parse, T fallback) {
        String env = "COUNTERSIGN_EDGE_" + name;
        String property = "countersign.edge." + name.toLowerCase(Locale.ROOT).replace('_', '-');
        return setting(env, property).map(value -> {
            try {
                return parse.apply(value);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(env + ": cannot read '" + value + "'", e);
            }
        }).orElse(fallback);
    }

    public EdgeSettings withRequestPool(int size, int queue) {
        return new EdgeSettings(size, queue, requestQueueTimeout, upstreamConnectTimeout, upstreamResponseTimeout,
                upstreamKeepAlive, clientIdleTimeout, requestHeaderTimeout, requestBodyTimeout, tunnelsPerService,
                tunnelIdleTimeout);
    }

    public EdgeSettings withUpstreamResponseTimeout(Duration timeout) {
        return new EdgeSettings(requestPoolSize, requestQueueSize, requestQueueTimeout, upstreamConnectTimeout, timeout,
                upstreamKeepAlive, clientIdleTimeout, requestHeaderTimeout, requestBodyTimeout, tunnelsPerService,
                tunnelIdleTimeout);
    }

    public EdgeSettings withRequestTimeouts(Duration header, Duration body) {
        return new EdgeSettings(requestPoolSize, requestQueueSize, requestQueueTimeout, upstreamConnectTimeout,
                upstreamResponseTimeout, upstreamKeepAlive, clientIdleTimeout, header, body, tunnelsPerService,
                tunnelIdleTimeout);
    }

    public EdgeSettings withTunnels(int perService, Duration idleTimeout) {
        return new EdgeSettings(requestPoolSize, requestQueueSize, requestQueueTimeout, upstreamConnectTimeout,
                upstreamResponseTimeout, upstreamKeepAlive, clientIdleTimeout, requestHeaderTimeout, requestBodyTimeout,
                perService, idleTimeout);
    }
}
