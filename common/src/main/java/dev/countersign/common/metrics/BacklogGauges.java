package dev.countersign.common.metrics;

import java.time.Duration;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * An outbox backlog as gauges, {@code <prefix>.backlog} (entries), {@code <prefix>.<age>} in
 * seconds and {@code <prefix>.degraded} (1 while that age is past the threshold, else 0), holding
 * what a timer last read, so a scrape never waits for the store. NaN until the first read and while
 * the store cannot be read: a stale figure would look healthy.
 *
 * <p>The same reading as a health check ({@link #health()}): always UP, so an outbox that cannot
 * publish never fails liveness (a restart does not bring Kafka back) nor readiness (every replica
 * shares the outbox, so taking them out of the Service would turn a Kafka outage into a full one);
 * its data says {@code degraded} with the backlog, the age and the threshold.
 */
public final class BacklogGauges {

    public static final String OK = "ok";
    public static final String DEGRADED = "degraded";
    /** The store could not be read (its own readiness check says why). */
    public static final String UNKNOWN = "unknown";

    private final String healthName;
    private final String ageKey;
    private final Duration degradedAfter;
    private volatile double entries = Double.NaN;
    private volatile double seconds = Double.NaN;

    public BacklogGauges(MeterRegistry meters, String prefix, String entriesDescription, String age,
            String ageDescription, Duration degradedAfter, String healthName) {
        this.healthName = healthName;
        this.ageKey = camel(age) + "Seconds";
        this.degradedAfter = degradedAfter;
        Gauge.builder(prefix + ".backlog", this, gauges -> gauges.entries).description(entriesDescription)
                .register(meters);
        Gauge.builder(prefix + "." + age, this, gauges -> gauges.seconds).baseUnit("seconds")
                .description(ageDescription).register(meters);
        Gauge.builder(prefix + ".degraded", this, BacklogGauges::degradedValue)
                .description("1 while the " + age.replace('.', ' ') + " is past " + degradedAfter.toSeconds()
                        + " s (the health check says degraded), else 0")
                .register(meters);
    }

    public void read(long entries, double seconds) {
        this.entries = entries;
        this.seconds = seconds;
    }

    public void unreadable() {
        entries = Double.NaN;
        seconds = Double.NaN;
    }

    /** {@link #OK}, {@link #DEGRADED} or {@link #UNKNOWN}, from the last reading. */
    public String state() {
        double age = seconds;
        if (Double.isNaN(age) || Double.isNaN(entries)) {
            return UNKNOWN;
        }
        return age > degradedAfter.toMillis() / 1000.0 ? DEGRADED : OK;
    }

    /** The last reading as a health check response: UP whatever the state, the state in its data. */
    public HealthCheckResponse health() {
        var response = HealthCheckResponse.named(healthName).up().withData("state", state())
                .withData("thresholdSeconds", degradedAfter.toSeconds());
        if (!Double.isNaN(entries) && !Double.isNaN(seconds)) {
            response.withData("backlog", (long) entries).withData(ageKey, Math.round(seconds));
        }
        return response.build();
    }

    private double degradedValue() {
        return switch (state()) {
            case DEGRADED -> 1;
            case OK -> 0;
            default -> Double.NaN;
        };
    }

    private static String camel(String dotted) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : dotted.toCharArray()) {
            if (c == '.') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }
}
