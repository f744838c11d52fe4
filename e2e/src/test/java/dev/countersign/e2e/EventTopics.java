package dev.countersign.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The event topics as an outsider reads them: a plain consumer without a group, every partition
 * from offset 0 up to the end offsets it saw when it began. Also republishes a topic's records as
 * they are (key, value, CloudEvents headers), so that every consumer group sees each event again.
 */
final class EventTopics {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Kafka's clients log every connect at INFO (through JBoss LogManager here); held, so the level stays. */
    private static final org.jboss.logmanager.Logger KAFKA_LOG = quiet(
            org.jboss.logmanager.LogContext.getLogContext().getLogger("org.apache.kafka"));

    private static org.jboss.logmanager.Logger quiet(org.jboss.logmanager.Logger logger) {
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final String bootstrapServers;

    EventTopics(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Every event on {@code topic} now, each value parsed (the event record as JSON). */
    List<JsonNode> read(String topic) {
        List<JsonNode> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records(topic)) {
            if (record.value() != null) {
                try {
                    events.add(JSON.readTree(record.value()));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("Not JSON on " + topic + ": " + new String(record.value()), e);
                }
            }
        }
        return events;
    }

    /** Produces every record of {@code topic} once more, in order per partition; answers how many. */
    int republish(String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = records(topic);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                producer.send(new ProducerRecord<>(topic, r.partition(), r.key(), r.value(), r.headers()));
            }
            producer.flush();
        }
        return records.size();
    }

    /** The end offset of each partition of {@code topic}. */
    Map<TopicPartition, Long> endOffsets(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            return consumer.endOffsets(partitions(consumer, topic));
        }
    }

    /** Whether consumer group {@code group} has committed up to the end of every partition of {@code topic}. */
    boolean caughtUp(String group, String topic) {
        Map<TopicPartition, Long> end = endOffsets(topic);
        Properties props = new Properties();
        props.put(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed = admin
                    .listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, java.util.concurrent.TimeUnit.SECONDS);
            return end.entrySet().stream().allMatch(e -> e.getValue() == 0 || (committed.get(e.getKey()) != null
                    && committed.get(e.getKey()).offset() >= e.getValue()));
        } catch (Exception e) {
            return false;
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> records(String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            Instant deadline = Instant.now().plus(READ_TIMEOUT);
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Could not read " + topic + " to its end within " + READ_TIMEOUT);
                }
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Only committed records: what consumers can see, never a transaction still open.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(props);
    }
}
