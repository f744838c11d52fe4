package dev.countersign.common.error;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.errors.RetriableException;
import org.jboss.logging.Logger;

/**
 * Tells an outage of a server a service depends on (Redis, PostgreSQL, Kafka, an HTTP peer) from a
 * bug: the first is 503 {@code service_unavailable} with {@code Retry-After}, and it is logged once
 * when it begins and once when it ends, not once per request (docs/errors.md#503-service-unavailable).
 * Classified by exception type and, where the client libraries have no type of their own, by the
 * server's or driver's well-known messages and SQL states; every cause in the chain is looked at,
 * since the clients wrap what the socket said.
 */
public final class Outages {

    /** What a 503 for an outage asks the client to wait: long enough for a restart or failover to be noticed. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private static final Logger LOG = Logger.getLogger(Outages.class);

    /**
     * SQL states of a server that is not there rather than a statement that is wrong: class 08
     * (connection exception), admin or crash shutdown, "cannot connect now", too many connections.
     */
    private static final Set<String> SQL_STATES = Set.of("57P01", "57P02", "57P03", "53300");

    /** Redis replies of a server that cannot serve yet (loading, failing over, no master). */
    private static final Set<String> REDIS_ERRORS = Set.of("LOADING", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN",
            "BUSY",
            // The Vert.x client's own answer to a command in flight when the server went away.
            "CONNECTION_CLOSED");

    /** What the Vert.x clients (Redis, SQL, HTTP) say of a connection that went away or never came. */
    private static final String[] CONNECTION_MESSAGES = {"connection is closed", "connection was closed",
            "connection closed", "connection refused", "connection reset", "broken pipe", "pool closed",
            "is not active now"};

    /** 0 while everything answers; else when the current outage was first seen (epoch ms). */
    private static final AtomicLong DOWN_SINCE = new AtomicLong();
    private static final AtomicLong ANSWERED_DURING_OUTAGE = new AtomicLong();

    private Outages() {
    }

    /** True when {@code failure}, or anything it wraps, says a server was unreachable, gone or too slow. */
    public static boolean isOutage(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable cause = failure; cause != null && seen.put(cause, true) == null; cause = cause.getCause()) {
            if (isOutageItself(cause)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isOutageItself(Throwable cause) {
        if (cause instanceof ConnectException || cause instanceof NoRouteToHostException
                || cause instanceof SocketTimeoutException || cause instanceof UnknownHostException
                || cause instanceof ClosedChannelException || cause instanceof TimeoutException
                || cause instanceof RetriableException) {
            return true;
        }
        if (cause instanceof SQLException sql) {
            return isUnavailableSqlState(sql.getSQLState());
        }
        String type = cause.getClass().getName();
        String message = cause.getMessage() == null ? "" : cause.getMessage();
        if (type.startsWith("io.vertx.redis.")) {
            int space = message.indexOf(' ');
            return REDIS_ERRORS.contains(space < 0 ? message : message.substring(0, space));
        }
        if (type.startsWith("io.vertx.") && sqlState(cause) != null) {
            return isUnavailableSqlState(sqlState(cause));
        }
        if (type.startsWith("io.vertx.") || type.startsWith("io.netty.") || cause instanceof IOException) {
            String lower = message.toLowerCase(Locale.ROOT);
            for (String said : CONNECTION_MESSAGES) {
                if (lower.contains(said)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isUnavailableSqlState(String state) {
        return state != null && (state.startsWith("08") || SQL_STATES.contains(state));
    }

    /** The Vert.x SQL client's {@code DatabaseException#getSqlState}, without depending on a driver here. */
    private static String sqlState(Throwable cause) {
        try {
            Object state = cause.getClass().getMethod("getSqlState").invoke(cause);
            return state instanceof String s ? s : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Notes that a request (or a background check) met an outage: the first one after a time of
     * health is logged as a warning, every further one only at debug level.
     */
    public static void failed(Throwable failure) {
        ANSWERED_DURING_OUTAGE.incrementAndGet();
        if (DOWN_SINCE.compareAndSet(0, System.currentTimeMillis())) {
            LOG.warnf("A server this service depends on is unavailable; answering 503 service_unavailable until it"
                    + " is back: %s", rootCause(failure));
        } else {
            LOG.debugf("Still unavailable: %s", rootCause(failure));
        }
    }

    /** Notes that things work again; logged once, if an outage was seen. */
    public static void recovered() {
        long since = DOWN_SINCE.getAndSet(0);
        if (since != 0) {
            LOG.infof("Available again after %d ms; %d failures met the outage meanwhile",
                    System.currentTimeMillis() - since, ANSWERED_DURING_OUTAGE.getAndSet(0));
        }
    }

    /**
     * For a background job that fails: an outage is noted by {@link #failed} (one line per outage,
     * however often the job runs), anything else is logged as a warning on {@code log}.
     */
    public static void warn(Logger log, Throwable failure, String message) {
        if (isOutage(failure)) {
            failed(failure);
        } else {
            log.warnf("%s: %s", message, failure.getMessage());
        }
    }

    /** True between {@link #failed} and the next {@link #recovered}. */
    public static boolean down() {
        return DOWN_SINCE.get() != 0;
    }

    /** The 503 an outage answers. */
    public static ApiException unavailable() {
        return new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "A server this service depends on is unavailable;"
                + " try again", RETRY_AFTER);
    }

    private static String rootCause(Throwable failure) {
        Throwable root = failure;
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        while (root.getCause() != null && seen.put(root, true) == null) {
            root = root.getCause();
        }
        return root.toString();
    }
}
