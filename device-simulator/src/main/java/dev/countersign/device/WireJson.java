package dev.countersign.device;

import java.util.ArrayList;
import java.util.List;

/**
 * A request body as the SDKs declare it: fields in declaration order, each marked with how a
 * missing value is treated. Rendered byte for byte as kotlinx.serialization (Android) or Swift's
 * {@code JSONEncoder} (iOS) would write it, so a server test sees exactly the client's bytes.
 */
public final class WireJson {

    /** How an absent (null) value appears on the wire. */
    enum Presence {
        /** A non-optional field: always written. */
        REQUIRED,
        /** Kotlin {@code String?} without default: Android writes {@code null}, Swift omits nil. */
        NULLABLE,
        /** Kotlin {@code = null} default / Swift optional: omitted by both when null. */
        OPTIONAL
    }

    record Field(String name, Object value, Presence presence) {
    }

    private final List<Field> fields = new ArrayList<>();

    private WireJson() {
    }

    public static WireJson object() {
        return new WireJson();
    }

    /** A field the SDK model declares non-optional. Values: String, Boolean, Number or a nested {@link WireJson}. */
    public WireJson put(String name, Object value) {
        fields.add(new Field(name, value, Presence.REQUIRED));
        return this;
    }

    /** A nullable field without a Kotlin default (e.g. {@code verificationCode}). */
    public WireJson putNullable(String name, Object value) {
        fields.add(new Field(name, value, Presence.NULLABLE));
        return this;
    }

    /** An optional field with a default (e.g. {@code performAttestation}, {@code action}). */
    public WireJson putOptional(String name, Object value) {
        fields.add(new Field(name, value, Presence.OPTIONAL));
        return this;
    }

    /**
     * kotlinx.serialization with {@code prettyPrint = true} and {@code encodeDefaults = false}: four-space
     * indent, {@code ": "} between name and value, no trailing newline, {@code "/"} not escaped.
     */
    public String toKotlinxPretty() {
        StringBuilder out = new StringBuilder();
        writeKotlinx(out, 0);
        return out.toString();
    }

    /**
     * Swift {@code JSONEncoder()} with default output formatting: compact, nil optionals omitted,
     * keys in declaration order (the synthesised {@code Encodable} order), and {@code "/"} written as
     * {@code "\/"} because {@code .withoutEscapingSlashes} is opt-in and the SDK does not set it.
     */
    public String toSwiftCompact() {
        StringBuilder out = new StringBuilder();
        writeSwift(out);
        return out.toString();
    }

    private void writeKotlinx(StringBuilder out, int depth) {
        out.append('{');
        boolean first = true;
        for (Field field : fields) {
            if (field.value() == null && field.presence() == Presence.OPTIONAL) {
                continue;
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append('\n').append("    ".repeat(depth + 1));
            appendString(out, field.name(), false);
            out.append(": ");
            if (field.value() instanceof WireJson nested) {
                nested.writeKotlinx(out, depth + 1);
            } else {
                appendScalar(out, field.value(), false);
            }
        }
        if (!first) {
            out.append('\n').append("    ".repeat(depth));
        }
        out.append('}');
    }

    private void writeSwift(StringBuilder out) {
        out.append('{');
        boolean first = true;
        for (Field field : fields) {
            if (field.value() == null && field.presence() != Presence.REQUIRED) {
                continue;
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            appendString(out, field.name(), true);
            out.append(':');
            if (field.value() instanceof WireJson nested) {
                nested.writeSwift(out);
            } else {
                appendScalar(out, field.value(), true);
            }
        }
        out.append('}');
    }

    private static void appendScalar(StringBuilder out, Object value, boolean escapeSlash) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            appendString(out, s, escapeSlash);
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            out.append(value);
        } else {
            throw new IllegalArgumentException("Unsupported JSON value: " + value.getClass());
        }
    }

    private static void appendString(StringBuilder out, String s, boolean escapeSlash) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '/' -> out.append(escapeSlash ? "\\/" : "/");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
