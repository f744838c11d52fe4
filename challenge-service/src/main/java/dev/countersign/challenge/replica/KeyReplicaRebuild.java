package dev.countersign.challenge.replica;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.countersign.challenge.config.ChallengeConfig;
import dev.countersign.common.error.Outages;
import dev.countersign.common.event.CredentialEvent;
import dev.countersign.common.event.CredentialEventDeserializer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Heals the key replica after Redis lost it. The channel consumer of {@code credential-events}
 * resumes at its committed offset, so a Redis that was flushed or came back empty would otherwise
 * never see the credentials enrolled before. Every {@code check-interval} (and once at start) the
 * epoch marker is read ({@link ReplicaEpochStore}); when it is missing, one replica of the service
 * takes the rebuild lease and reads the topic from its start to the end offsets it saw when it began,
 * on a consumer of its own (no group, every partition, its own thread), applying each event through
 * the same versioned scripts as the channel, so both may run at once in any order. Then it writes
 * the marker. Until the marker is seen, {@link KeyReplica} asks credential-service instead of
 * trusting the replica (docs/reliability.md#redis-loses-its-data).
 */
@ApplicationScoped
public class KeyReplicaRebuild {

    private static final Logger LOG = Logger.getLogger(KeyReplicaRebuild.class);

    /** Keys applied at once; the rest of the Redis pool stays free for requests. */
    private static final int CONCURRENCY = 8;
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration BATCH_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

    /** Where the replica stands, as the last check saw it. */
    public enum State {
        /** Not checked yet (just started). */
        UNKNOWN,
        /** The marker is there: every event up to the rebuild is in Redis, later ones come by the channel. */
        COMPLETE,
        /** This replica of the service is rebuilding. */
        REBUILDING,
        /** Another replica of the service holds the rebuild lease. */
        REBUILDING_ELSEWHERE,
        /** Redis did not answer the check. */
        REDIS_UNAVAILABLE
    }

    private final ReplicaEpochStore epochs;
    private final CredentialEventConsumer events;
    private final Instance<Map<String, Object>> kafkaConfig;
    private final String topic;
    private final Duration checkInterval;
    private final Duration lease;
    private final Vertx vertx;
    private final Counter rebuilds;

    private final AtomicBoolean checking = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "key-replica-rebuild");
        thread.setDaemon(true);
        return thread;
    });
    private volatile State state = State.UNKNOWN;
    private volatile String token;
    private volatile boolean cancelled;
    private volatile KafkaConsumer<String, CredentialEvent> consumer;
    private volatile Optional<String> epoch = Optional.empty();
    private volatile Instant lastRebuiltAt;
    private volatile long lastRebuildEvents;
    private volatile Duration lastRebuildTook;
    private long timer = -1;

    public KeyReplicaRebuild(ReplicaEpochStore epochs, CredentialEventConsumer events,
            @Identifier("default-kafka-broker") Instance<Map<String, Object>> kafkaConfig,
            @ConfigProperty(name = "mp.messaging.incoming.credential-events.topic",
                    defaultValue = "credential-events") String topic,
            ChallengeConfig config, Vertx vertx, MeterRegistry meters) {
        this.epochs = epochs;
        this.events = events;
        this.kafkaConfig = kafkaConfig;
        this.topic = topic;
        this.checkInterval = config.keyReplica().checkInterval();
        this.lease = config.keyReplica().rebuildLease();
        this.vertx = vertx;
        this.rebuilds = Counter.builder("countersign.key.replica.rebuilds")
                .description("Rebuilds of the key replica from credential-events after Redis lost it")
                .register(meters);
    }

    /** The first check before requests are served (a Redis call, bounded); the rebuild itself runs aside. */
    void start(@Observes StartupEvent started) {
        check().await().atMost(CHECK_TIMEOUT.plusSeconds(1));
        timer = vertx.setPeriodic(checkInterval.toMillis(), id -> checkInBackground());
    }

    void stop(@Observes ShutdownEvent stopping) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        cancel();
    }

    @PreDestroy
    void close() {
        cancel();
        worker.shutdownNow();
    }

    /** True once the marker was seen: the replica holds every credential event (up to the channel's lag). */
    public boolean complete() {
        return state == State.COMPLETE;
    }

    public State state() {
        return state;
    }

    public Optional<String> epoch() {
        return epoch;
    }

    public double rebuilds() {
        return rebuilds.count();
    }

    /** When the last rebuild of this process finished, how many events it read, how long it took. */
    public Optional<String> lastRebuild() {
        return Optional.ofNullable(lastRebuiltAt).map(at -> at + " (" + lastRebuildEvents + " events in "
                + lastRebuildTook.toMillis() + " ms)");
    }

    private void checkInBackground() {
        if (checking.compareAndSet(false, true)) {
            check().subscribe().with(done -> checking.set(false), failure -> checking.set(false));
        }
    }

    /** One look at the marker; starts a rebuild when it is missing and no rebuild holds the lease. */
    Uni<Void> check() {
        return epochs.read().ifNoItem().after(CHECK_TIMEOUT).fail().flatMap(marker -> {
            Outages.recovered();
            if (marker.epoch().isPresent()) {
                epoch = marker.epoch();
                state = State.COMPLETE;
                return Uni.createFrom().voidItem();
            }
            if (state == State.COMPLETE) {
                LOG.warn("The key replica's marker is gone from Redis (flushed, or restarted empty): lookups ask"
                        + " credential-service until the replica is rebuilt from credential-events");
            }
            epoch = Optional.empty();
            if (running.get()) {
                if (!marker.lease().equals(Optional.ofNullable(token))) {
                    // Redis lost the lease (and perhaps what this rebuild wrote): start over.
                    cancel();
                }
                state = State.REBUILDING;
                return Uni.createFrom().voidItem();
            }
            if (marker.lease().isPresent()) {
                state = State.REBUILDING_ELSEWHERE;
                return Uni.createFrom().voidItem();
            }
            String claim = UUID.randomUUID().toString();
            return epochs.claim(claim, lease).map(claimed -> {
                if (claimed) {
                    startRebuild(claim);
                } else {
                    state = State.REBUILDING_ELSEWHERE;
                }
                return null;
            });
        }).onFailure().recoverWithItem(failure -> {
            state = State.REDIS_UNAVAILABLE;
            if (Outages.isOutage(failure)) {
                Outages.failed(failure);
            } else {
                LOG.warnf("Checking the key replica's marker failed: %s", failure.toString());
            }
            return null;
        }).replaceWithVoid();
    }

    private void startRebuild(String claim) {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        token = claim;
        cancelled = false;
        state = State.REBUILDING;
        LOG.infof("Rebuilding the key replica from the start of %s", topic);
        worker.execute(() -> {
            try {
                rebuild(claim);
            } finally {
                consumer = null;
                token = null;
                running.set(false);
            }
        });
    }

    private void cancel() {
        cancelled = true;
        KafkaConsumer<String, CredentialEvent> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    /** Reads the topic from its start to the end offsets of now; blocking, on the rebuild's own thread. */
    private void rebuild(String claim) {
        long began = System.nanoTime();
        long applied = 0;
        try (KafkaConsumer<String, CredentialEvent> reader = new KafkaConsumer<>(consumerConfig())) {
            consumer = reader;
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo partition : reader.partitionsFor(topic, KAFKA_TIMEOUT)) {
                partitions.add(new TopicPartition(topic, partition.partition()));
            }
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions, KAFKA_TIMEOUT);
            while (!caughtUp(reader, end)) {
                if (cancelled) {
                    LOG.info("Key replica rebuild stopped; the next check starts a new one if needed");
                    return;
                }
                ConsumerRecords<String, CredentialEvent> records = reader.poll(POLL);
                applyAll(records).await().atMost(BATCH_TIMEOUT);
                applied += records.count();
                if (!epochs.renew(claim, lease).await().atMost(CHECK_TIMEOUT)) {
                    LOG.warn("Key replica rebuild lost its lease (Redis lost its data again?); starting over");
                    return;
                }
            }
            String written = Instant.now() + " " + claim;
            if (epochs.complete(claim, written).await().atMost(CHECK_TIMEOUT)) {
                Duration took = Duration.ofNanos(System.nanoTime() - began);
                rebuilds.increment();
                epoch = Optional.of(written);
                lastRebuiltAt = Instant.now();
                lastRebuildEvents = applied;
                lastRebuildTook = took;
                state = State.COMPLETE;
                LOG.infof("Key replica rebuilt from %s: %d events in %d ms", topic, applied, took.toMillis());
            }
        } catch (WakeupException e) {
            LOG.info("Key replica rebuild stopped; the next check starts a new one if needed");
        } catch (RuntimeException e) {
            // Redis or Kafka away: the lease expires, and a later check (here or elsewhere) starts over.
            LOG.warnf("Key replica rebuild failed after %d events: %s; it starts over at a later check", applied,
                    e.toString());
        }
    }

    private static boolean caughtUp(KafkaConsumer<String, CredentialEvent> reader, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (reader.position(partition.getKey(), KAFKA_TIMEOUT) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The batch's events, in order per credential (the Kafka key), several credentials at once. */
    private Uni<Void> applyAll(ConsumerRecords<String, CredentialEvent> records) {
        Map<String, List<ConsumerRecord<String, CredentialEvent>>> byCredential = new LinkedHashMap<>();
        for (ConsumerRecord<String, CredentialEvent> record : records) {
            byCredential.computeIfAbsent(String.valueOf(record.key()), key -> new ArrayList<>()).add(record);
        }
        if (byCredential.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(byCredential.values())
                .onItem().transformToUni(inOrder -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (ConsumerRecord<String, CredentialEvent> record : inOrder) {
                        chain = chain.flatMap(done -> events.apply(record.value(), record.offset()));
                    }
                    return chain;
                }).merge(CONCURRENCY)
                .collect().last().replaceWithVoid();
    }

    /** The application's Kafka settings (servers, security), without a group: nothing is committed. */
    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>(kafkaConfig.isResolvable() ? kafkaConfig.get() : Map.of());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "challenge-service-key-replica-rebuild-" + UUID.randomUUID());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, CredentialEventDeserializer.class.getName());
        return config;
    }
}
