package dev.countersign.credential.metrics;

import dev.countersign.common.metrics.BacklogGauges;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.jboss.logging.Logger;

/**
 * The outbox backlog as gauges: rows of {@code credential_outbox} not yet on Kafka, and the age of
 * the oldest. One small query on a timer, so a scrape never waits for the database; NaN while it
 * cannot be read.
 */
@Startup
// A readiness check that is never DOWN; @Default kept so the backlog can still be injected as itself.
@Readiness
@Default
@ApplicationScoped
public class OutboxBacklog implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(OutboxBacklog.class);

    private final Pool pool;
    private final Clock clock;
    private final BacklogGauges gauges;

    public OutboxBacklog(Pool pool, Clock clock, MeterRegistry meters,
            @ConfigProperty(name = "countersign.credential.outbox.degraded-after", defaultValue = "60s") Duration degradedAfter) {
        this.pool = pool;
        this.clock = clock;
        this.gauges = new BacklogGauges(meters, "countersign.credential.outbox",
                "Credential events not yet published to Kafka", "oldest.age",
                "Age of the oldest credential event not yet published", degradedAfter, "credential-outbox");
    }

    @Scheduled(every = "${countersign.credential.metrics.backlog-every:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> readOnSchedule() {
        return read().onFailure().invoke(failure -> {
            gauges.unreadable();
            LOG.debugf("Outbox backlog not read: %s", failure.getMessage());
        }).onFailure().recoverWithNull();
    }

    /** The outbox's state from the last reading: never DOWN, degraded in its data (BacklogGauges). */
    @Override
    public HealthCheckResponse call() {
        return gauges.health();
    }

    /** Reads both values now. */
    public Uni<Void> read() {
        return pool.query("select count(*) as n, min(created_at) as oldest from credential_outbox").execute()
                .map(result -> {
                    Row row = result.iterator().next();
                    OffsetDateTime oldest = row.getOffsetDateTime("oldest");
                    gauges.read(row.getLong("n"), oldest == null ? 0
                            : Math.max(0, clock.millis() - oldest.toInstant().toEpochMilli()) / 1000.0);
                    return null;
                });
    }
}
