package dev.countersign.common.http;

import java.time.Duration;

import dev.countersign.common.config.CommonConfiguration;
import dev.countersign.common.config.QuarkusDuration;

/**
 * The services close an HTTP connection idle for {@code quarkus.http.idle-timeout} (common's
 * configuration). A client that keeps connections to them alive (the local edge, the services'
 * own calls to each other) must give an idle one up sooner, or it may send a request on a
 * connection the service is closing that very moment.
 */
public final class IdleTimeouts {

    static final String KEY = "quarkus.http.idle-timeout";

    private IdleTimeouts() {
    }

    /** How long a service keeps an idle connection. */
    public static Duration service() {
        return QuarkusDuration.parse(CommonConfiguration.value(KEY));
    }

    /** How long a client keeps an idle pooled connection to a service: a third of {@link #service()}. */
    public static Duration clientKeepAlive() {
        return service().dividedBy(3);
    }
}
