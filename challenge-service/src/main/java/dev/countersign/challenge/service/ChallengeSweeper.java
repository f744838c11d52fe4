package dev.countersign.challenge.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.countersign.challenge.Challenge;
import dev.countersign.challenge.messaging.ChallengeEventPublisher;
import dev.countersign.challenge.store.ChallengeStore;
import dev.countersign.challenge.store.ChallengeStore.ExpiryOutcome;
import dev.countersign.common.event.ChallengeEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Marks challenges whose deadline passed while pending as expired and emits
 * {@code challenge.expired}, once per challenge across replicas: each due id is claimed with
 * {@code ZREM}, and only the claimer goes on. A claimer that cannot publish puts the id back, and
 * the next sweep publishes the same event (same id) again.
 */
@ApplicationScoped
public class ChallengeSweeper {

    private static final Logger LOG = Logger.getLogger(ChallengeSweeper.class);
    private static final int BATCH = 100;
    private static final Duration RETRY_DELAY = Duration.ofSeconds(5);

    private final ChallengeStore challenges;
    private final ChallengeEventPublisher events;
    private final Clock clock;

    public ChallengeSweeper(ChallengeStore challenges, ChallengeEventPublisher events, Clock clock) {
        this.challenges = challenges;
        this.events = events;
        this.clock = clock;
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweepOnSchedule() {
        return sweep().onFailure().invoke(failure -> LOG.warnf("Challenge sweep failed: %s", failure.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** One sweep over the due challenges; answers how many expiries were published. */
    public Uni<Integer> sweep() {
        Instant now = Instant.ofEpochMilli(clock.millis());
        return challenges.dueForSweep(now, BATCH)
                .flatMap(ids -> Multi.createFrom().iterable(ids)
                        .onItem().transformToUniAndConcatenate(id -> sweepOne(id, now))
                        .collect().asList())
                .map(published -> (int) published.stream().filter(Boolean::booleanValue).count());
    }

    private Uni<Boolean> sweepOne(String challengeId, Instant now) {
        return challenges.claimForSweep(challengeId).flatMap(claimed -> {
            if (!claimed) {
                return Uni.createFrom().item(false);
            }
            return challenges.expire(challengeId, now).flatMap(expiry -> {
                if (expiry.outcome() == ExpiryOutcome.OPEN) {
                    // Another replica's clock ran ahead of this one; look again at its deadline.
                    return challenges.rescheduleSweep(challengeId, now.plusSeconds(1)).replaceWith(false);
                }
                if (expiry.outcome() == ExpiryOutcome.GONE || expiry.challenge().isEmpty()) {
                    return Uni.createFrom().item(false);
                }
                Challenge challenge = expiry.challenge().get();
                return challenges.release(challenge.tenantId(), challenge.userId(), challengeId)
                        .flatMap(released -> events.publish(ChallengeEvent.EXPIRED, challenge, now))
                        .replaceWith(true)
                        .onFailure().call(failure -> {
                            LOG.warnf("challenge.expired for %s not published, retrying: %s", challengeId,
                                    failure.getMessage());
                            return challenges.rescheduleSweep(challengeId, now.plus(RETRY_DELAY));
                        })
                        .onFailure().recoverWithItem(false);
            });
        });
    }
}
