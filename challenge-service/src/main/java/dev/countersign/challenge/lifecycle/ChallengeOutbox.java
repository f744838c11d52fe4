package dev.countersign.challenge.lifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.countersign.challenge.config.ChallengeConfig;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.error.Outages;
import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.common.tracing.TraceContext;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * At-least-once publishing of challenge events (producers never lose an event their change
 * implies: docs/architecture.md#events). Each transition script records its events in the challenge's hash; the unpublished index
 * {@code cs:{outbox}:challenges} names the challenges to look at. This bean publishes the pending
 * events of a challenge in order, removes each from the hash once Kafka acknowledged it, and forgets
 * the index entry when none is left; the repair job does the same for entries whose own publisher
 * failed or died. Event ids come from (challenge, type, version), so a republished event carries the
 * same id and consumers deduplicate it.
 */
@ApplicationScoped
public class ChallengeOutbox {

    private static final Logger LOG = Logger.getLogger(ChallengeOutbox.class);
    private static final int BATCH = 100;

    private final ChallengeStore challenges;
    private final OutboxStore store;
    private final VerificationMethods methods;
    private final ChallengeEventPublisher events;
    private final Clock clock;
    private final ChallengeConfig.Outbox config;
    /** Set when a request's wait for an acknowledgement ran out; cleared by the next acknowledgement. */
    private final AtomicBoolean kafkaStalled = new AtomicBoolean();
    /** This process' publications for requests still in flight, by challenge (see {@link #publishForRequest}). */
    private final ConcurrentHashMap<String, InFlight> inFlight = new ConcurrentHashMap<>();

    /** A publication in flight: when it ends (never failing), and the hash fields of the events it has. */
    private record InFlight(Uni<Void> done, Set<String> fields) {
    }

    public ChallengeOutbox(ChallengeStore challenges, OutboxStore store, VerificationMethods methods,
            ChallengeEventPublisher events, Clock clock, ChallengeConfig config) {
        this.challenges = challenges;
        this.store = store;
        this.methods = methods;
        this.events = events;
        this.clock = clock;
        this.config = config.outbox();
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    /** The least TTL of a hash with pending events (the transition scripts take it). */
    public Duration retention() {
        return config.retention();
    }

    /**
     * Lists the challenge in the unpublished index, due for the repair a little later; answers the
     * entry's token for {@link #publish}. Written next to each transition (before it where the
     * caller can, right after it otherwise).
     */
    public Uni<String> remember(String challengeId) {
        return store.markUnpublished(challengeId, now().plus(config.repairAfter()), TraceContext.current());
    }

    /**
     * Publishes the pending events now, for a request: the answer waits for Kafka's acknowledgement
     * up to {@code ack-wait} (by default not at all), then goes on anyway, and never fails for
     * Kafka; the events are safe in Redis and the repair publishes whatever this attempt could not.
     * Once a wait ran out (Kafka stalled or frozen), requests stop waiting at all until Kafka
     * acknowledges an event again, so a stalled broker does not add {@code ack-wait} to every
     * request of the outage.
     *
     * <p>A transition that follows another of the same challenge before the earlier publication
     * finished (a device answering right after the initiation answered) finds the earlier events
     * still pending in its snapshot: it leaves those to the publication that has them and sends its
     * own only after that one ended, so each event goes out once and in order. Should that
     * publication fail, its events stay pending and listed for the repair.
     */
    public Uni<Void> publishForRequest(Snapshot snapshot, String entry) {
        String challengeId = snapshot.challenge().challengeId();
        Optional<String> traceparent = TraceContext.current();
        InFlight current = inFlight.compute(challengeId, (id, earlier) -> {
            Snapshot own = earlier == null ? snapshot : snapshot.without(earlier.fields());
            Uni<Void> after = earlier == null ? Uni.createFrom().voidItem() : earlier.done();
            Uni<Void> done = after.flatMap(ended -> publish(own, entry, traceparent)).replaceWithVoid()
                    .onFailure().invoke(failure -> LOG.warnf("Events of challenge %s left for the repair: %s",
                            challengeId, failure.getMessage()))
                    .onFailure().recoverWithNull()
                    .memoize().indefinitely();
            Set<String> fields = new HashSet<>(earlier == null ? Set.of() : earlier.fields());
            snapshot.pending().forEach(event -> fields.add(event.field()));
            return new InFlight(done, Set.copyOf(fields));
        });
        Uni<Void> publishing = current.done();
        // Started now and independent of the request: a timed-out wait does not cancel it.
        publishing.subscribe().with(done -> inFlight.remove(challengeId, current),
                failure -> inFlight.remove(challengeId, current));
        if (!waitsForAcks() || config.ackWait().isZero()) {
            return Uni.createFrom().voidItem();
        }
        return publishing.ifNoItem().after(config.ackWait()).recoverWithItem(() -> {
            if (kafkaStalled.compareAndSet(false, true)) {
                LOG.warnf("Kafka did not acknowledge within %s; requests answer without waiting for it until it"
                        + " acknowledges again (the outbox keeps the events)", config.ackWait());
            }
            return null;
        });
    }

    /** Whether requests wait for Kafka's acknowledgement (up to {@code ack-wait}): not while it is stalled. */
    public boolean waitsForAcks() {
        return !kafkaStalled.get();
    }

    private void acknowledged() {
        if (kafkaStalled.compareAndSet(true, false)) {
            LOG.info("Kafka acknowledges again; requests wait for its acknowledgement again");
        }
    }

    /**
     * The aftermath of a transition script, the same for every kind of challenge: the challenge is
     * listed as unpublished (should this process die now, the repair or the deadline sweep publishes
     * its event), its event is published at once while {@code sideEffects} run (the action's result,
     * limits, the pending index), and the caller waits for both. A Kafka failure does not fail it
     * (see {@link #publishForRequest}); any other failure is 503 — the transition itself stands, so a
     * retry gets the script's answer (409).
     */
    public Uni<Void> publishAfter(Snapshot snapshot, Uni<Void> sideEffects) {
        String challengeId = snapshot.challenge().challengeId();
        return remember(challengeId)
                .flatMap(entry -> {
                    Uni<Void> published = publishForRequest(snapshot, entry);
                    return sideEffects.flatMap(done -> published);
                })
                // An outage is answered by the common mapper (503, Retry-After, one warning per outage).
                .onFailure(failure -> !(failure instanceof ApiException) && !Outages.isOutage(failure))
                .transform(failure -> {
                    LOG.errorf(failure, "Challenge %s changed, its aftermath failed", challengeId);
                    return new ApiException(ErrorCode.SERVICE_UNAVAILABLE,
                            "The change was recorded but could not be fully processed");
                });
    }

    /** {@link #publish(Snapshot, String, Optional)} in the current trace (if any). */
    public Uni<Integer> publish(Snapshot snapshot, String entry) {
        return publish(snapshot, entry, TraceContext.current());
    }

    /**
     * Publishes the snapshot's pending events in order and removes them from the hash once Kafka
     * acknowledged all of them; with none left, forgets the index entry if its score is still
     * {@code entry} (a later transition rewrote it otherwise). Fails if Kafka refuses any (all stay
     * pending: the repair sends them again, under the same ids). Answers how many were published.
     * The records belong to the trace {@code traceparent} names.
     */
    public Uni<Integer> publish(Snapshot snapshot, String entry, Optional<String> traceparent) {
        Challenge challenge = snapshot.challenge();
        List<PendingEvent> pending = snapshot.pending();
        // Once published, the hash lives its own method's retention after the deadline.
        Duration retention = methods.of(challenge.kind()).map(VerificationMethod::retention)
                .orElseThrow(() -> new IllegalStateException("Challenge " + challenge.challengeId()
                        + " is of no known verification method: " + challenge.kind()));
        List<ChallengeEventPublisher.Step> steps = pending.stream()
                .map(event -> new ChallengeEventPublisher.Step(event.type(), asOf(challenge, event), event.occurredAt()))
                .toList();
        // All at once (one round trip to the broker, in order), then out of the hash in one script.
        // With none to send (another publisher has them, or nothing is left), the script only
        // answers how many are still pending: the entry is forgotten only when none is.
        Uni<Void> sent = pending.isEmpty() ? Uni.createFrom().voidItem()
                : events.publish(steps, traceparent).invoke(this::acknowledged);
        return sent
                .flatMap(done -> store.acknowledge(challenge.challengeId(), pending, now(), retention))
                .flatMap(left -> left > 0
                        ? Uni.createFrom().item(pending.size())
                        : store.forgetUnpublished(challenge.challengeId(), entry).replaceWith(pending.size()));
    }

    /**
     * The challenge as the event saw it: the event's version, and the answering credential only on
     * the answer's own event (a later republish of {@code challenge.created} must not carry it).
     */
    static Challenge asOf(Challenge c, PendingEvent event) {
        // A QR claim's event names the claiming credential too (it is the one that may answer).
        boolean answer = ChallengeEvent.APPROVED.equals(event.type()) || ChallengeEvent.REJECTED.equals(event.type())
                || ChallengeEvent.CLAIMED.equals(event.type());
        return c.toBuilder()
                .credentialId(answer ? c.credentialId().orElse(null) : null)
                .version(event.version())
                .build();
    }

    // Delayed: nothing is due for the repair in the first seconds, and the Kafka channel is wired by then.
    @Scheduled(every = "1s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> repairOnSchedule() {
        // Redis away: one line per outage, not one a second.
        return repair().onFailure().invoke(failure -> Outages.warn(LOG, failure, "Outbox repair failed"))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * One repair pass: claims each due entry of the unpublished index with a lease (so of several
     * replicas one works on it) and publishes the challenge's pending events. An entry whose events
     * cannot be published stays, due again when the lease ends. Answers how many events it published.
     */
    public Uni<Integer> repair() {
        Instant now = now();
        return store.dueUnpublished(now, BATCH)
                .flatMap(ids -> Multi.createFrom().iterable(ids)
                        .onItem().transformToUniAndConcatenate(id -> repairOne(id, now))
                        .collect().asList())
                .map(counts -> counts.stream().mapToInt(Integer::intValue).sum());
    }

    private Uni<Integer> repairOne(String challengeId, Instant now) {
        return store.claimUnpublished(challengeId, now, now.plus(config.lease())).flatMap(claim -> {
            if (claim.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            return challenges.snapshot(challengeId)
                    .flatMap(found -> found.isEmpty()
                            // Expired from Redis (or never stored): nothing left to publish.
                            ? store.forgetUnpublished(challengeId, claim.get()).replaceWith(0)
                            // In the trace of the request that listed it, not in one of the repair's own.
                            : store.traceparent(challengeId)
                                    .flatMap(traceparent -> publish(found.get(), claim.get(), traceparent)))
                    .onFailure().invoke(failure -> LOG.warnf("Events of challenge %s still unpublished: %s",
                            challengeId, failure.getMessage()))
                    .onFailure().recoverWithItem(0);
        });
    }
}
