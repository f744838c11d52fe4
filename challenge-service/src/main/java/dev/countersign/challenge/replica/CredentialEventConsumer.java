package dev.countersign.challenge.replica;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.countersign.challenge.config.ChallengeConfig;
import dev.countersign.challenge.metrics.ChallengeMetrics;
import dev.countersign.challenge.replica.KeyReplicaStore.Change;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.error.Outages;
import dev.countersign.common.event.CredentialEvent;
import io.smallrye.mutiny.Uni;

/**
 * Feeds the key replica from {@code credential-events}. Every event is applied through versioned
 * scripts, so a redelivery, a replay from the start of the compacted topic, or an old event after
 * a newer one changes nothing; that is also why no event-id dedupe table is needed here.
 */
@ApplicationScoped
public class CredentialEventConsumer {

    private static final Logger LOG = Logger.getLogger(CredentialEventConsumer.class);

    /** Tries of an event that failed for another reason than an outage (a bug): then the channel fails. */
    private static final int OTHER_FAILURE_TRIES = 10;

    private final KeyReplica replica;
    private final ChallengeConfig.KeyReplica config;
    private final ChallengeMetrics metrics;

    public CredentialEventConsumer(KeyReplica replica, ChallengeConfig config, ChallengeMetrics metrics) {
        this.replica = replica;
        this.config = config.keyReplica();
        this.metrics = metrics;
    }

    /**
     * The channel: one event at a time, in order, its offset committed only once it is applied. While
     * Redis is away the event is tried again, with back-off, for as long as the outage lasts (noted
     * once per outage through {@link Outages}), so the events behind it wait rather than being skipped
     * and the channel stays alive; readiness reports Redis meanwhile.
     */
    @Incoming("credential-events")
    public Uni<Void> consume(ConsumerRecord<String, CredentialEvent> record) {
        AtomicBoolean metOutage = new AtomicBoolean();
        return applyOnce(record.value(), record.offset())
                .onFailure(Outages::isOutage).invoke(failure -> {
                    metOutage.set(true);
                    Outages.failed(failure);
                    metrics.replicaApplyRetried();
                })
                .onFailure(Outages::isOutage).retry()
                .withBackOff(config.applyBackoff(), config.applyMaxBackoff()).indefinitely()
                .onFailure().retry().withBackOff(config.applyBackoff(), config.applyMaxBackoff())
                .atMost(OTHER_FAILURE_TRIES)
                .invoke(() -> {
                    if (metOutage.get()) {
                        Outages.recovered();
                    }
                });
    }

    /**
     * One event of the topic into the replica, for a rebuild from the topic's start
     * ({@link KeyReplicaRebuild}), which starts over on its own when Redis stays away.
     */
    Uni<Void> apply(CredentialEvent event, long offset) {
        return applyOnce(event, offset)
                // Redis briefly away: retry rather than abandon the batch; the scripts make retries harmless.
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(10);
    }

    private Uni<Void> applyOnce(CredentialEvent event, long offset) {
        if (event == null) {
            // A compaction tombstone (or an unreadable value): nothing to apply.
            return Uni.createFrom().voidItem();
        }
        Optional<CredentialKind> kind = CredentialKind.fromWireName(event.kind());
        Optional<DevicePublicKey> key = DevicePublicKey.fromSpkiBase64(event.publicKey());
        boolean known = CredentialEvent.ADDED.equals(event.type()) || CredentialEvent.UPDATED.equals(event.type())
                || event.isRemoval();
        if (!known || kind.isEmpty() || key.isEmpty() || event.tenantId() == null || event.credentialId() == null
                || event.userId() == null || event.version() < 1) {
            LOG.warnf("Skipping unusable credential event %s (offset %d)", event.eventId(), offset);
            return Uni.createFrom().voidItem();
        }
        Change change = new Change(event.tenantId(), event.credentialId(), event.version(), event.userId(),
                kind.get(), key.get().spkiBase64(), event.isRemoval(),
                Optional.ofNullable(event.expiresAt()).map(java.time.Instant::toEpochMilli).orElse(null));
        Optional<Long> occurredAt = Optional.ofNullable(event.occurredAt()).map(java.time.Instant::toEpochMilli);
        Uni<Void> applied = replica.apply(change, key.get().fingerprint(), occurredAt.or(() -> Optional.of(0L)));
        if (kind.get() == CredentialKind.PUSH) {
            // Where push delivery reaches the device; a removal or a cleared token leaves no address.
            applied = applied.flatMap(done -> replica.applyPushTarget(event.tenantId(), event.userId(),
                    event.credentialId(), event.version(), event.devicePlatform(),
                    event.isRemoval() ? null : event.pushToken()));
        }
        return applied;
    }
}
