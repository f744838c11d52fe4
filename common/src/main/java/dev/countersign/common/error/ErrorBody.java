package dev.countersign.common.error;

/**
 * The one error shape of the wire protocol. {@code error} repeats {@code errorCode}: Android and
 * the Node SDK read the code from {@code error}, iOS and the browser from {@code errorCode}.
 */
public record ErrorBody(String error, String errorCode, String errorDescription) {

    /** Hand-written so that callers without a JSON library (the local edge) produce the same bytes. */
    public String toJson() {
        return "{\"error\":" + quote(error) + ",\"errorCode\":" + quote(errorCode)
                + ",\"errorDescription\":" + quote(errorDescription) + "}";
    }

    private static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
