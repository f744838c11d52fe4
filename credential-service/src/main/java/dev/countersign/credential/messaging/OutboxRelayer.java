package dev.countersign.credential.messaging;

import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.countersign.common.event.CredentialEvent;
import dev.countersign.common.tracing.TraceContext;
import dev.countersign.credential.config.CredentialConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Publishes the outbox to {@code credential-events}, oldest first. One replica at a time relays
 * (a transaction-scoped advisory lock), rows are deleted only after Kafka acknowledged them, and a
 * failure leaves them for the next run: at-least-once, which consumers absorb by event id and
 * version. Runs every second and right after each committed change.
 */
@ApplicationScoped
public class OutboxRelayer {

    public static final String CHANNEL = "credential-events";
    static final URI SOURCE = URI.create("/countersign/credential-service");

    /** Advisory lock key ("credoutb"); the one-bigint key space, apart from the per-user locks. */
    public static final long RELAY_LOCK = 0x637265646f757462L;

    /** Longer than any healthy broker round trip; a stuck send must not hold the lock for ever. */
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = Logger.getLogger(OutboxRelayer.class);

    private final Pool pool;
    private final MutinyEmitter<CredentialEvent> emitter;
    private final ObjectMapper mapper;
    private final int batchSize;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    public OutboxRelayer(Pool pool, @Channel(CHANNEL) MutinyEmitter<CredentialEvent> emitter, ObjectMapper mapper,
            CredentialConfig config) {
        this.pool = pool;
        this.emitter = emitter;
        this.mapper = mapper;
        this.batchSize = config.outbox().batchSize();
    }

    /** The safety net (a kick can be missed: crash after commit, another replica held the lock). */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> onSchedule() {
        return relay().onFailure().recoverWithItem(failure -> {
            LOG.warnf(failure, "Relaying credential events failed; the outbox keeps them for the next run");
            return null;
        });
    }

    /** Relay now (after a commit), without waiting; a run already in progress picks the rows up. */
    public void kick() {
        onSchedule().subscribe().with(ignored -> {
        });
    }

    /** Drains the outbox in batches; within this replica at most one drain runs at a time. */
    Uni<Void> relay() {
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return Uni.createFrom().voidItem();
        }
        again.set(false);
        return relayBatch()
                .eventually(() -> running.set(false))
                .chain(relayed -> relayed >= batchSize || again.getAndSet(false) ? relay() : Uni.createFrom().voidItem());
    }

    /** One transaction: lock, read the oldest rows, send, await every ack, delete them. */
    Uni<Integer> relayBatch() {
        return pool.withTransaction(connection -> connection
                .preparedQuery("select pg_try_advisory_xact_lock($1)").execute(Tuple.of(RELAY_LOCK))
                .chain(locked -> locked.iterator().next().getBoolean(0)
                        ? sendOldest(connection)
                        // Another replica is relaying right now.
                        : Uni.createFrom().item(0)));
    }

    private Uni<Integer> sendOldest(SqlConnection connection) {
        return connection
                .preparedQuery("select seq, payload::text as payload, traceparent from credential_outbox order by seq limit $1")
                .execute(Tuple.of(batchSize))
                .chain(rows -> {
                    List<Long> sequence = new ArrayList<>();
                    List<Uni<Void>> sends = new ArrayList<>();
                    for (Row row : rows) {
                        sequence.add(row.getLong("seq"));
                        // The record continues the trace of the request that made the change, not this run's.
                        sends.add(emitter.sendMessage(TraceContext.continuing(message(parse(row.getString("payload"))),
                                row.getString("traceparent"))));
                    }
                    if (sends.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    // Subscribed in list order, so the producer sends a credential's events in order.
                    return Uni.join().all(sends).andCollectFailures()
                            .ifNoItem().after(ACK_TIMEOUT).fail()
                            .chain(() -> connection.preparedQuery("delete from credential_outbox where seq = any($1)")
                                    .execute(Tuple.of(sequence.toArray(Long[]::new))))
                            .replaceWith(sequence.size());
                });
    }

    private CredentialEvent parse(String payload) {
        try {
            return mapper.readValue(payload, CredentialEvent.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable outbox payload", e);
        }
    }

    /** Kafka key and CloudEvents subject are the credential id, so the compacted topic keeps its latest state. */
    static Message<CredentialEvent> message(CredentialEvent event) {
        return Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.credentialId()).build())
                .addMetadata(OutgoingCloudEventMetadata.<CredentialEvent>builder()
                        .withId(event.eventId())
                        .withType(event.cloudEventType())
                        .withSource(SOURCE)
                        .withSubject(event.credentialId())
                        .withTimestamp(event.occurredAt().atZone(ZoneOffset.UTC))
                        .build());
    }
}
