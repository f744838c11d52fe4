package dev.countersign.challenge;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import dev.countersign.challenge.lifecycle.Challenge;
import dev.countersign.challenge.lifecycle.ChallengeStore;
import dev.countersign.challenge.lifecycle.PendingEvent;
import dev.countersign.challenge.lifecycle.SweepStore;
import dev.countersign.challenge.metrics.ChallengeMetrics;
import dev.countersign.challenge.redis.RedisScripts;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The real store, except that a test can have the {@link StoppableRedis} stopped right before the
 * next challenge is stored: Redis then fails between two steps of one request (after the outbox
 * entry and the budgets, before the challenge), with the real client's failure. Passes everything
 * through unless armed.
 */
@Alternative
@Priority(1)
@Singleton
public class RedisStopsBeforeStoring extends ChallengeStore {

    private final AtomicBoolean armed = new AtomicBoolean();

    public RedisStopsBeforeStoring(ReactiveRedisDataSource redis, RedisScripts scripts, SweepStore sweep,
            ChallengeMetrics metrics) {
        super(redis, scripts, sweep, metrics);
    }

    /** The next challenge stored first stops the test's own Redis. */
    public void arm() {
        armed.set(true);
    }

    @Override
    public Uni<Void> create(Challenge challenge, Map<String, String> extra, List<PendingEvent> events, Duration ttl,
            Duration outboxRetention) {
        if (!armed.compareAndSet(true, false)) {
            return super.create(challenge, extra, events, ttl, outboxRetention);
        }
        return Uni.createFrom().item(() -> {
            StoppableRedis.stopRedis();
            return challenge;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(stopped -> super.create(challenge, extra, events, ttl, outboxRetention));
    }
}
