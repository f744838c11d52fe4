package dev.countersign.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

/**
 * A plain OTLP/HTTP (protobuf) trace receiver for the end-to-end run: every service of the shared
 * stack exports its spans here ({@code OTEL_EXPORTER_OTLP_ENDPOINT}), and tests read them back. Any
 * POST is taken as an {@code ExportTraceServiceRequest}, gzip-encoded or not.
 */
final class OtlpReceiver implements AutoCloseable {

    /** One span as exported: its service ({@code service.name}), name, kind and ids in hex. */
    record Span(String service, String name, io.opentelemetry.proto.trace.v1.Span.SpanKind kind, String traceId,
            String spanId, String parentSpanId, Map<String, String> attributes) {

        @Override
        public String toString() {
            return service + " " + kind + " '" + name + "' " + spanId + " <- " + (parentSpanId.isEmpty() ? "-" : parentSpanId);
        }
    }

    private static final HexFormat HEX = HexFormat.of();

    private final HttpServer server;
    private final List<Span> spans = new ArrayList<>();
    private final List<String> unreadable = new ArrayList<>();

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    static OtlpReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            OtlpReceiver receiver = new OtlpReceiver(server);
            server.createContext("/", receiver::receive);
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base endpoint, as {@code OTEL_EXPORTER_OTLP_ENDPOINT} takes it. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The spans received so far of one trace. */
    synchronized List<Span> trace(String traceId) {
        return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
    }

    /** What the receiver holds, for a failure message: spans in all and any export it could not read. */
    @Override
    public synchronized String toString() {
        return spans.size() + " spans received" + (unreadable.isEmpty() ? "" : ", unreadable exports: " + unreadable);
    }

    private void receive(HttpExchange exchange) throws IOException {
        int status = 200;
        try (InputStream body = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
            record(ExportTraceServiceRequest.parseFrom(body));
        } catch (IOException | RuntimeException e) {
            status = 400;
            synchronized (this) {
                unreadable.add(e.toString());
            }
        }
        byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
        if (answer.length > 0) {
            exchange.getResponseBody().write(answer);
        }
        exchange.close();
    }

    private synchronized void record(ExportTraceServiceRequest request) {
        for (ResourceSpans resource : request.getResourceSpansList()) {
            String service = attributes(resource.getResource().getAttributesList()).getOrDefault("service.name", "?");
            for (ScopeSpans scope : resource.getScopeSpansList()) {
                for (io.opentelemetry.proto.trace.v1.Span span : scope.getSpansList()) {
                    spans.add(new Span(service, span.getName(), span.getKind(), HEX.formatHex(span.getTraceId().toByteArray()),
                            HEX.formatHex(span.getSpanId().toByteArray()), HEX.formatHex(span.getParentSpanId().toByteArray()),
                            attributes(span.getAttributesList())));
                }
            }
        }
    }

    private static Map<String, String> attributes(List<KeyValue> values) {
        Map<String, String> attributes = new TreeMap<>();
        for (KeyValue value : values) {
            var any = value.getValue();
            attributes.put(value.getKey(), any.hasStringValue() ? any.getStringValue()
                    : any.hasIntValue() ? Long.toString(any.getIntValue()) : any.toString().strip());
        }
        return attributes;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
