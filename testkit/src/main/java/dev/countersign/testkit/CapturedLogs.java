package dev.countersign.testkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Log records of warning level and above under one logger name (all with {@code ""}) while it is
 * open, for tests that assert what an outage logs. Use in try-with-resources.
 */
public final class CapturedLogs implements AutoCloseable {

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Logger logger;
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                records.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    public CapturedLogs(String loggerName) {
        logger = Logger.getLogger(loggerName);
        logger.addHandler(handler);
    }

    /** Everything above warning level (errors). */
    public List<LogRecord> errors() {
        return records.stream().filter(record -> record.getLevel().intValue() > Level.WARNING.intValue()).toList();
    }

    /** Each record's message and, if any, its exception. */
    public List<String> messages() {
        return records.stream().map(record -> record.getMessage()
                + (record.getThrown() == null ? "" : " " + record.getThrown())).toList();
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
