package dev.countersign.local.infra;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Countersign's topics, created explicitly (docs/architecture.md#events). Existing topics are left as they are,
 * so this also runs against an operator's own Kafka.
 */
public final class KafkaTopics {

    public static final String CREDENTIAL_EVENTS = "credential-events";
    public static final String CHALLENGE_EVENTS = "challenge-events";
    /** Pushes whose webhook finally failed (notifier); kept a week for an operator to look at or replay. */
    public static final String CHALLENGE_EVENTS_DLQ = "challenge-events-dlq";
    /** One record per notification attempt (notifier), for the delivery results. */
    public static final String DELIVERY_EVENTS = "delivery-events";

    private static final int PARTITIONS = 3;

    static final List<NewTopic> TOPICS = List.of(
            // Compacted: the latest event per credential is the key replica's truth.
            new NewTopic(CREDENTIAL_EVENTS, PARTITIONS, (short) 1).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
            new NewTopic(CHALLENGE_EVENTS, PARTITIONS, (short) 1).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofDays(1).toMillis()))),
            new NewTopic(CHALLENGE_EVENTS_DLQ, PARTITIONS, (short) 1).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofDays(7).toMillis()))),
            new NewTopic(DELIVERY_EVENTS, PARTITIONS, (short) 1).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofDays(1).toMillis()))));

    private KafkaTopics() {
    }

    public static void create(String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000))) {
            for (var entry : admin.createTopics(TOPICS).values().entrySet()) {
                try {
                    entry.getValue().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + entry.getKey(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        }
    }
}
