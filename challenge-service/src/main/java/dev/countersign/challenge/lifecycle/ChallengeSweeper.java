package dev.countersign.challenge.lifecycle;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.countersign.challenge.lifecycle.SweepStore.ExpiryOutcome;
import dev.countersign.common.error.Outages;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Marks challenges whose deadline passed while pending as expired ({@code challenge.expired} is
 * recorded by the same script), once per challenge across replicas: each due id is claimed with
 * {@code ZREM}, and only the claimer goes on. The sweep is also the outbox's backstop: it lists every
 * challenge until its deadline, so it publishes the leftover events of any challenge it sees — those
 * of an answer whose process died before it could list the challenge in the unpublished index.
 * Whatever it cannot publish stays in that index for {@link ChallengeOutbox}'s repair.
 */
@ApplicationScoped
public class ChallengeSweeper {

    private static final Logger LOG = Logger.getLogger(ChallengeSweeper.class);
    private static final int BATCH = 100;

    private final SweepStore sweep;
    private final PendingIndex pending;
    private final OutboxStore outboxStore;
    private final ChallengeOutbox outbox;
    private final Clock clock;

    public ChallengeSweeper(SweepStore sweep, PendingIndex pending, OutboxStore outboxStore, ChallengeOutbox outbox,
            Clock clock) {
        this.sweep = sweep;
        this.pending = pending;
        this.outboxStore = outboxStore;
        this.outbox = outbox;
        this.clock = clock;
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweepOnSchedule() {
        // Redis away: one line per outage, not one a second.
        return sweep().onFailure().invoke(failure -> Outages.warn(LOG, failure, "Challenge sweep failed"))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** One sweep over the due challenges; answers how many expiries were published. */
    public Uni<Integer> sweep() {
        Instant now = Instant.ofEpochMilli(clock.millis());
        return sweep.due(now, BATCH)
                .flatMap(ids -> Multi.createFrom().iterable(ids)
                        .onItem().transformToUniAndConcatenate(id -> sweepOne(id, now))
                        .collect().asList())
                .map(published -> (int) published.stream().filter(Boolean::booleanValue).count());
    }

    private Uni<Boolean> sweepOne(String challengeId, Instant now) {
        // Listed as unpublished before the claim: a sweeper that dies after its ZREM leaves the
        // repair something to find.
        return outbox.remember(challengeId).flatMap(entry -> sweep.claim(challengeId).flatMap(claimed -> {
            if (!claimed) {
                return Uni.createFrom().item(false);
            }
            return sweep.expire(challengeId, now, outbox.retention()).flatMap(expiry -> {
                if (expiry.outcome() == ExpiryOutcome.OPEN) {
                    // Another replica's clock ran ahead of this one; look again at its deadline.
                    return sweep.schedule(challengeId, now.plusSeconds(1))
                            .flatMap(rescheduled -> publishLeftovers(expiry.challenge(), entry, challengeId))
                            .replaceWith(false);
                }
                if (expiry.outcome() != ExpiryOutcome.EXPIRED) {
                    return publishLeftovers(expiry.challenge(), entry, challengeId).replaceWith(false);
                }
                Snapshot expired = expiry.challenge().orElseThrow();
                Challenge challenge = expired.challenge();
                return pending.release(challenge.tenantId(), challenge.userId(), challengeId)
                        .flatMap(released -> outbox.publish(expired, entry))
                        .replaceWith(true)
                        .onFailure().invoke(failure -> LOG.warnf(
                                "challenge.expired for %s not published, left for the repair: %s", challengeId,
                                failure.getMessage()))
                        .onFailure().recoverWithItem(false);
            });
        }));
    }

    private Uni<Integer> publishLeftovers(Optional<Snapshot> snapshot, String entry, String challengeId) {
        if (snapshot.isEmpty()) {
            return outboxStore.forgetUnpublished(challengeId, entry).replaceWith(0);
        }
        return outbox.publish(snapshot.get(), entry)
                .onFailure().invoke(failure -> LOG.warnf("Events of challenge %s left for the repair: %s",
                        challengeId, failure.getMessage()))
                .onFailure().recoverWithItem(0);
    }
}
