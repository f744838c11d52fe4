package dev.countersign.testkit;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

import dev.countersign.common.audit.Audit;

/**
 * The audit records ({@value Audit#CATEGORY}) written in-process while this capture is open: a
 * java.util.logging handler on that category (Quarkus' JBoss LogManager passes records to it as it
 * writes them, with the MDC still set). Open it before the flow, close it after.
 */
public final class AuditLog implements AutoCloseable {

    /** One record: its message (the text line) and its MDC, where the audit fields are. */
    public record Entry(String message, Map<String, String> fields) {

        public String field(String name) {
            return fields.get(name);
        }

        public String event() {
            return fields.get("event");
        }
    }

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger(Audit.CATEGORY);
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record instanceof ExtLogRecord ext) {
                entries.add(new Entry(ext.getFormattedMessage(), Map.copyOf(ext.getMdcCopy())));
            } else {
                entries.add(new Entry(record.getMessage(), Map.of()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private AuditLog() {
        logger.addHandler(handler);
    }

    public static AuditLog capture() {
        return new AuditLog();
    }

    /** Every record so far. */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The records so far that match, e.g. {@code e -> user.equals(e.field("user"))}. */
    public List<Entry> matching(Predicate<Entry> filter) {
        return entries.stream().filter(filter).toList();
    }

    /** The records so far whose message or any field contains {@code value}: none, for a secret. */
    public List<Entry> mentioning(String value) {
        return entries.stream().filter(e -> e.message().contains(value)
                || e.fields().values().stream().anyMatch(v -> v != null && v.contains(value))).toList();
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
