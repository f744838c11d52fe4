package dev.countersign.common.tracing;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.smallrye.reactive.messaging.TracingMetadata;

/**
 * The trace context an outbox keeps beside an event (docs/observability.md#tracing): the W3C
 * {@code traceparent} of the request that caused it, taken when the change is recorded and handed
 * back when a relay publishes it later on another code path, so the Kafka record (and its consumers'
 * spans) continue the request's trace instead of starting one of their own.
 */
public final class TraceContext {

    public static final String TRACEPARENT = "traceparent";

    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private TraceContext() {
    }

    /** The current span's {@code traceparent}; empty outside a span (and always while tracing is off). */
    public static Optional<String> current() {
        if (!Span.current().getSpanContext().isValid()) {
            return Optional.empty();
        }
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, Map::put);
        return Optional.ofNullable(carrier.get(TRACEPARENT));
    }

    /**
     * The message, published as part of the trace {@code traceparent} names (the producer span's
     * parent); unchanged when there is none or it cannot be read.
     */
    public static <T> Message<T> continuing(Message<T> message, String traceparent) {
        Optional<Context> parent = parse(traceparent);
        return parent.isEmpty() ? message : message.addMetadata(TracingMetadata.withCurrent(parent.get()));
    }

    static Optional<Context> parse(String traceparent) {
        if (traceparent == null || traceparent.isBlank()) {
            return Optional.empty();
        }
        Context context = W3CTraceContextPropagator.getInstance()
                .extract(Context.root(), Map.of(TRACEPARENT, traceparent), GETTER);
        return Span.fromContext(context).getSpanContext().isValid() ? Optional.of(context) : Optional.empty();
    }
}
