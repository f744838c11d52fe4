package dev.countersign.common.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * An outbox backlog as two gauges, {@code <prefix>.backlog} (entries) and {@code <prefix>.<age>}
 * in seconds, holding what a timer last read, so a scrape never waits for the store. NaN until the
 * first read and while the store cannot be read: a stale figure would look healthy.
 */
public final class BacklogGauges {

    private volatile double entries = Double.NaN;
    private volatile double seconds = Double.NaN;

    public BacklogGauges(MeterRegistry meters, String prefix, String entriesDescription, String age,
            String ageDescription) {
        Gauge.builder(prefix + ".backlog", this, gauges -> gauges.entries).description(entriesDescription)
                .register(meters);
        Gauge.builder(prefix + "." + age, this, gauges -> gauges.seconds).baseUnit("seconds")
                .description(ageDescription).register(meters);
    }

    public void read(long entries, double seconds) {
        this.entries = entries;
        this.seconds = seconds;
    }

    public void unreadable() {
        entries = Double.NaN;
        seconds = Double.NaN;
    }
}
