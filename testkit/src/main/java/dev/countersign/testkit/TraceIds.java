package dev.countersign.testkit;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Fresh W3C trace context ids, so each tracing test follows a trace of its own. */
public final class TraceIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TraceIds() {
    }

    /** 32 hex digits. */
    public static String traceId() {
        return hex(16);
    }

    /** 16 hex digits. */
    public static String spanId() {
        return hex(8);
    }

    /** A sampled {@code traceparent} of the trace, with a fresh parent span. */
    public static String traceparent(String traceId) {
        return "00-" + traceId + "-" + spanId() + "-01";
    }

    private static String hex(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return HexFormat.of().formatHex(value);
    }
}
