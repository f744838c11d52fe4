package dev.countersign.common.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * {@code countersign_kafka_consumer_lag{group, topic}}: how many records the service's consumer
 * groups are behind, per group and topic (the end offsets minus the group's committed offsets,
 * summed over the partitions), read from the brokers with an admin client on a timer. Unlike the
 * consumer's own {@code records-lag-max}, it keeps growing while a consumer has stopped. The groups
 * are the service's Kafka channels that commit (a channel with {@code commit-strategy=ignore}, like
 * the kiosk's per-replica group, has no offsets to compare). NaN until the first read and while the
 * brokers cannot be asked.
 */
@ApplicationScoped
public class ConsumerLag {

    private static final Logger LOG = Logger.getLogger(ConsumerLag.class);
    private static final Pattern GROUP_ID = Pattern.compile("mp\\.messaging\\.incoming\\.(.+)\\.group\\.id");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** One consumer group reading one topic, and its last reading. */
    public record Subscription(String group, String topic) {
    }

    private final MeterRegistry meters;
    private final Instance<Map<String, Object>> kafkaConfig;
    private final Map<Subscription, Double> lags = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;
    private Admin admin;

    public ConsumerLag(MeterRegistry meters, @Identifier("default-kafka-broker") Instance<Map<String, Object>> kafkaConfig) {
        this.meters = meters;
        this.kafkaConfig = kafkaConfig;
    }

    void start(@Observes StartupEvent started) {
        Config config = ConfigProvider.getConfig();
        List<Subscription> subscriptions = subscriptions(config);
        if (subscriptions.isEmpty()) {
            return;
        }
        for (Subscription s : subscriptions) {
            lags.put(s, Double.NaN);
            Gauge.builder("countersign.kafka.consumer.lag", lags, l -> l.getOrDefault(s, Double.NaN))
                    .description("Records the consumer group is behind on the topic (end minus committed offsets)")
                    .tag("group", s.group()).tag("topic", s.topic()).register(meters);
        }
        Duration every = config.getOptionalValue("countersign.metrics.consumer-lag-every", Duration.class)
                .orElse(Duration.ofSeconds(15));
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "countersign-consumer-lag");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::readAll, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent stopping) {
        if (timer != null) {
            timer.shutdownNow();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
        }
    }

    /** The channels' groups that commit offsets, each with its topic (the channel's name when unset). */
    static List<Subscription> subscriptions(Config config) {
        List<Subscription> subscriptions = new ArrayList<>();
        for (String property : config.getPropertyNames()) {
            Matcher m = GROUP_ID.matcher(property);
            if (!m.matches()) {
                continue;
            }
            String channel = m.group(1);
            String prefix = "mp.messaging.incoming." + channel + ".";
            boolean kafka = config.getOptionalValue(prefix + "connector", String.class).orElse("").equals("smallrye-kafka");
            boolean commits = !config.getOptionalValue(prefix + "commit-strategy", String.class).orElse("").equals("ignore");
            if (kafka && commits) {
                subscriptions.add(new Subscription(config.getValue(property, String.class),
                        config.getOptionalValue(prefix + "topic", String.class).orElse(channel)));
            }
        }
        return subscriptions;
    }

    private void readAll() {
        for (Subscription s : lags.keySet()) {
            try {
                lags.put(s, (double) read(s));
            } catch (Exception e) {
                lags.put(s, Double.NaN);
                LOG.debugf("Consumer lag of %s on %s not read: %s", s.group(), s.topic(), e.getMessage());
            }
        }
    }

    private long read(Subscription s) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin().listConsumerGroupOffsets(s.group())
                .partitionsToOffsetAndMetadata().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.forEach((partition, offset) -> {
            if (partition.topic().equals(s.topic()) && offset != null) {
                latest.put(partition, OffsetSpec.latest());
            }
        });
        if (latest.isEmpty()) {
            return 0;
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin().listOffsets(latest).all()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        long lag = 0;
        for (var end : ends.entrySet()) {
            lag += Math.max(0, end.getValue().offset() - committed.get(end.getKey()).offset());
        }
        return lag;
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> config = new HashMap<>(kafkaConfig.isResolvable() ? kafkaConfig.get() : Map.of());
            // Only what an admin client understands of the shared Kafka settings: address and security.
            config.keySet().removeIf(key -> !(key.equals(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
                    || key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")));
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "countersign-consumer-lag");
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
            admin = Admin.create(config);
        }
        return admin;
    }
}
