package dev.countersign.challenge.metrics;

import dev.countersign.challenge.lifecycle.OutboxStore;
import dev.countersign.common.error.Outages;
import dev.countersign.common.metrics.BacklogGauges;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import java.time.Clock;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The outbox backlog as gauges: the challenges in the unpublished index ({@link OutboxStore#UNPUBLISHED})
 * and how far past due the repair is with the most overdue one. Read by a timer, two cheap commands
 * ({@code ZCARD}, {@code ZRANGE 0 0 WITHSCORES}), so a scrape never waits for Redis; NaN while Redis
 * cannot be read.
 */
@Startup
// A readiness check that is never DOWN; @Default kept so the backlog can still be injected as itself.
@Readiness
@Default
@ApplicationScoped
public class OutboxBacklog implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(OutboxBacklog.class);

    private final ReactiveRedisDataSource redis;
    private final Clock clock;
    private final BacklogGauges gauges;

    public OutboxBacklog(ReactiveRedisDataSource redis, Clock clock, MeterRegistry meters,
            @ConfigProperty(name = "countersign.challenge.outbox.degraded-after", defaultValue = "60s") Duration degradedAfter) {
        this.redis = redis;
        this.clock = clock;
        this.gauges = new BacklogGauges(meters, "countersign.challenge.outbox",
                "Challenges that may have unpublished events", "overdue",
                "How long past due the repair is with the most overdue challenge", degradedAfter, "challenge-outbox");
    }

    @Scheduled(every = "${countersign.challenge.metrics.backlog-every:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> readOnSchedule() {
        return read().onFailure().invoke(failure -> {
            gauges.unreadable();
            Outages.warn(LOG, failure, "Outbox backlog not read");
        }).onFailure().recoverWithNull();
    }

    /** The outbox's state from the last reading: never DOWN, degraded in its data (BacklogGauges). */
    @Override
    public HealthCheckResponse call() {
        return gauges.health();
    }

    /** Reads both values now. */
    public Uni<Void> read() {
        return redis.sortedSet(String.class).zcard(OutboxStore.UNPUBLISHED).flatMap(count -> redis
                .sortedSet(String.class).zrangeWithScores(OutboxStore.UNPUBLISHED, 0, 0).map(oldest -> {
                    double overdue = oldest.isEmpty() ? 0
                            : Math.max(0, clock.millis() - oldest.get(0).score()) / 1000.0;
                    gauges.read(count, overdue);
                    return null;
                }));
    }
}
