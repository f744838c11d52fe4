package dev.countersign.common.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.reactive.messaging.TracingMetadata;

class TraceContextTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN_ID = "00f067aa0ba902b7";

    @Test
    void theCurrentSpanIsWrittenAsATraceparent() {
        Span span = Span.wrap(SpanContext.create(TRACE_ID, SPAN_ID, TraceFlags.getSampled(), TraceState.getDefault()));
        try (Scope ignored = Context.root().with(span).makeCurrent()) {
            assertThat(TraceContext.current()).contains("00-" + TRACE_ID + "-" + SPAN_ID + "-01");
        }
    }

    @Test
    void outsideASpanThereIsNoTraceparent() {
        try (Scope ignored = Context.root().makeCurrent()) {
            assertThat(TraceContext.current()).isEmpty();
        }
    }

    @Test
    void aStoredTraceparentBecomesTheMessageParentContext() {
        Message<String> message = TraceContext.continuing(Message.of("event"), "00-" + TRACE_ID + "-" + SPAN_ID + "-01");

        SpanContext parent = Span.fromContext(TracingMetadata.fromMessage(message).orElseThrow().getCurrentContext())
                .getSpanContext();
        assertThat(parent.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(parent.getSpanId()).isEqualTo(SPAN_ID);
        assertThat(parent.isRemote()).isTrue();
    }

    @Test
    void anAbsentOrUnreadableTraceparentLeavesTheMessageAsItWas() {
        assertThat(TracingMetadata.fromMessage(TraceContext.continuing(Message.of("event"), null))).isEmpty();
        assertThat(TracingMetadata.fromMessage(TraceContext.continuing(Message.of("event"), "00-nonsense"))).isEmpty();
    }
}
