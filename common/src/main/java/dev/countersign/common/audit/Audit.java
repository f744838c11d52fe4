package dev.countersign.common.audit;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.countersign.common.error.ApiException;
import dev.countersign.common.http.ClientAddresses;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import io.quarkus.arc.InstanceHandle;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The audit trail: one INFO record per security-relevant event on the {@value #CATEGORY} log
 * category. The fields go into the record's MDC for the duration of the call, so the JSON console
 * format shows them as JSON fields (under {@code mdc}, next to a trace's {@code traceId} and
 * {@code spanId}); the message is the same fields as a {@code key=value} line for the text format.
 * <p>
 * Only the fields below exist, so no caller can put a secret, token, device code, signature, push
 * token or attestation token into a record.
 */
public final class Audit {

    public static final String CATEGORY = "countersign.audit";

    private static final Logger LOG = Logger.getLogger(CATEGORY);

    private Audit() {
    }

    /** A record of {@code event}; set its fields and {@link Entry#write() write} it. */
    public static Entry event(AuditEvent event) {
        return new Entry(event);
    }

    /** The {@code auth.failed} record of a 401 or 403: its error code, and the thrower's reason or else the code. */
    public static Entry authFailed(ApiException refused) {
        Entry entry = event(AuditEvent.AUTH_FAILED).outcome(refused.code().code());
        refused.authFailure().ifPresentOrElse(entry::reason, () -> entry.reason(refused.code().code()));
        return entry;
    }

    /** The fields of one record, in the order the text line shows them. */
    public static final class Entry {

        private final Map<String, String> fields = new LinkedHashMap<>();

        private Entry(AuditEvent event) {
            fields.put("event", event.wireName());
        }

        public Entry tenant(String tenantId) {
            return put("tenant", tenantId);
        }

        public Entry user(String userId) {
            return put("user", userId);
        }

        public Entry credential(String credentialId) {
            return put("credentialId", credentialId);
        }

        public Entry challenge(String challengeId) {
            return put("challengeId", challengeId);
        }

        /** The verification method (push, qr-code, in-app) or, for a credential, its kind. */
        public Entry method(String method) {
            return put("method", method);
        }

        public Entry outcome(String outcome) {
            return put("outcome", outcome);
        }

        public Entry reason(String reason) {
            return put("reason", reason);
        }

        public Entry reason(AuthFailure reason) {
            return put("reason", reason.wireName());
        }

        /** The request line's method and path (never its query, which may carry a token). */
        public Entry request(String httpMethod, String path) {
            return put("request", httpMethod + " " + path);
        }

        /** The client address; without it the current HTTP request's is taken (X-Forwarded-For from trusted proxies). */
        public Entry clientAddress(String address) {
            return put("clientAddress", address);
        }

        /** The client address of {@code request} (a route outside the REST layer). */
        public Entry clientOf(HttpServerRequest request) {
            return put("clientAddress", addressOf(request));
        }

        private Entry put(String key, String value) {
            if (value != null && !value.isEmpty()) {
                fields.put(key, value);
            }
            return this;
        }

        /** Writes the record; a failure to resolve the client address never fails the caller. */
        public void write() {
            if (!fields.containsKey("clientAddress")) {
                put("clientAddress", currentClientAddress());
            }
            Map<String, Object> previous = new LinkedHashMap<>();
            fields.forEach((key, value) -> previous.put(key, MDC.put(key, value)));
            try {
                LOG.info(line(fields));
            } finally {
                // Restored rather than removed: the request may have put the same keys itself.
                previous.forEach((key, value) -> {
                    if (value == null) {
                        MDC.remove(key);
                    } else {
                        MDC.put(key, value);
                    }
                });
            }
        }

        Map<String, String> fields() {
            return fields;
        }
    }

    /** {@code event=… key=value …}; a value with a space, quote, {@code =} or control character is quoted and escaped. */
    static String line(Map<String, String> fields) {
        StringBuilder line = new StringBuilder();
        fields.forEach((key, value) -> {
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append(key).append('=').append(quoted(value));
        });
        return line.toString();
    }

    private static String quoted(String value) {
        boolean plain = !value.isEmpty() && value.chars().allMatch(c -> c > ' ' && c != '"' && c != '=' && c != '\\' && c != 0x7f);
        if (plain) {
            return value;
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < ' ' || c == 0x7f) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    /** The current HTTP request's client address, or null outside one (a Kafka consumer, a sweep, a unit test). */
    private static String currentClientAddress() {
        ArcContainer container = Arc.container();
        if (container == null || !container.requestContext().isActive()) {
            return null;
        }
        try (InstanceHandle<CurrentVertxRequest> current = container.instance(CurrentVertxRequest.class)) {
            RoutingContext routing = current.isAvailable() ? current.get().getCurrent() : null;
            return routing == null ? null : addressOf(routing.request());
        } catch (RuntimeException e) {
            LOG.debug("No client address for an audit record", e);
            return null;
        }
    }

    /** {@code request}'s client address as {@link ClientAddresses} resolves it (trusted proxies), or its peer without a container. */
    private static String addressOf(HttpServerRequest request) {
        ArcContainer container = Arc.container();
        if (container != null) {
            try (InstanceHandle<ClientAddresses> addresses = container.instance(ClientAddresses.class)) {
                if (addresses.isAvailable()) {
                    return addresses.get().of(request);
                }
            }
        }
        return ClientAddresses.peerOf(request);
    }
}
