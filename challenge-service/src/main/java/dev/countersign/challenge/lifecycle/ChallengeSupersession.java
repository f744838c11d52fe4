package dev.countersign.challenge.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.countersign.challenge.metrics.ChallengeMetrics;
import dev.countersign.challenge.redis.RedisScript;
import dev.countersign.challenge.redis.RedisScripts;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * A new push challenge supersedes the user's pending ones
 * (docs/protocol/decisions.md#26-a-new-push-supersedes-the-pending-ones): it takes the user's pending
 * index for itself ({@link PendingIndex#replace}, atomic on the index, so concurrent initiations
 * leave exactly one pending), then each displaced challenge ends as {@code superseded} with its
 * {@code challenge.superseded} event, one script on its own hash ({@code lifecycle/supersede.lua}),
 * which is Redis Cluster-safe where one script over both keys would not be. A displaced challenge
 * that an answer or the sweeper ended first is left as it is. Should the process die between the
 * two steps, a displaced challenge is no longer fetched by devices and ends at its deadline.
 */
@ApplicationScoped
public class ChallengeSupersession {

    private static final Logger LOG = Logger.getLogger(ChallengeSupersession.class);
    private static final RedisScript SUPERSEDE = RedisScript.load("lifecycle/supersede");

    private final PendingIndex pending;
    private final RedisScripts scripts;
    private final ChallengeOutbox outbox;
    private final OutboxStore outboxStore;
    private final ChallengeMetrics metrics;

    public ChallengeSupersession(PendingIndex pending, RedisScripts scripts, ChallengeOutbox outbox,
            OutboxStore outboxStore, ChallengeMetrics metrics) {
        this.metrics = metrics;
        this.pending = pending;
        this.scripts = scripts;
        this.outbox = outbox;
        this.outboxStore = outboxStore;
    }

    /**
     * Makes the stored, pending {@code challenge} the user's only pending one and ends the ones it
     * displaced; answers their ids. Their events are published as for a request (a Kafka failure
     * leaves them to the repair).
     */
    public Uni<List<String>> supersedeOthers(Challenge challenge, Instant now, Duration indexTtl) {
        return pending.replace(challenge.tenantId(), challenge.userId(), challenge.challengeId(),
                        challenge.expiresAt(), now, indexTtl)
                .flatMap(displaced -> Multi.createFrom().iterable(displaced)
                        .onItem().transformToUniAndConcatenate(id -> supersede(id, challenge.challengeId(), now))
                        .collect().asList()
                        .replaceWith(displaced));
    }

    private Uni<Void> supersede(String challengeId, String supersededBy, Instant now) {
        // Listed as unpublished before the script that records the event, so no crash can leave it unlisted.
        return outbox.remember(challengeId)
                .flatMap(entry -> scripts.run(SUPERSEDE, ChallengeStore.key(challengeId), supersededBy,
                                ChallengeStore.millis(now), Long.toString(outbox.retention().toMillis()))
                        .flatMap(reply -> {
                            if (reply.size() < 2) {
                                return outboxStore.forgetUnpublished(challengeId, entry).replaceWithVoid();
                            }
                            if (!"superseded".equals(reply.get(0).toString())) {
                                LOG.debugf("Challenge %s ended before %s could supersede it", challengeId, supersededBy);
                            } else {
                                Challenge superseded = ChallengeStore.snapshot(reply.get(1)).challenge();
                                metrics.ended(superseded, now);
                                ChallengeAudit.ended(superseded);
                            }
                            // Its own event, or the leftovers of whatever ended it first.
                            return outbox.publishForRequest(ChallengeStore.snapshot(reply.get(1)), entry);
                        }));
    }
}
