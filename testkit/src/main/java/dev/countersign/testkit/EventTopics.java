package dev.countersign.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The event topics as a test sees them on the real Kafka: events produced exactly as a service
 * publishes them (CloudEvents binary mode, key = aggregate id, JSON value), and a topic read from
 * the start of every partition, as no service's consumer group does.
 */
public final class EventTopics {

    private EventTopics() {
    }

    /** A record in CloudEvents binary mode, as the services publish: {@code ce_*} headers, key = {@code subject}. */
    public static ProducerRecord<String, String> cloudEvent(String topic, Integer partition, String subject, String id,
            String type, String source, String json) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, partition, subject, json);
        record.headers()
                .add("ce_specversion", bytes("1.0"))
                .add("ce_id", bytes(id))
                .add("ce_type", bytes(type))
                .add("ce_source", bytes(source))
                .add("ce_subject", bytes(subject))
                .add("content-type", bytes("application/json"));
        return record;
    }

    /** Sends the records in order with {@code acks=all}, each acknowledged before the next. */
    @SafeVarargs
    public static void publish(String bootstrap, ProducerRecord<String, String>... records) {
        try (KafkaProducer<String, String> producer = producer(bootstrap)) {
            for (ProducerRecord<String, String> record : records) {
                producer.send(record).get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot publish to Kafka", e);
        }
    }

    public static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
    }

    /**
     * The records with this key, read from the start of every partition until {@code enough}
     * holds or the timeout passes; answers what was found either way (in partition order).
     */
    public static List<ConsumerRecord<String, String>> read(String bootstrap, String topic, String key,
            Predicate<List<ConsumerRecord<String, String>>> enough, Duration timeout) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap)) {
            List<TopicPartition> partitions = assignFromStart(consumer, topic);
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline) && !enough.test(found)) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())) {
                        found.add(record);
                    }
                }
            }
            return found;
        }
    }

    /**
     * Every record with this key on the topic now: each partition read from its start to the end
     * offset it has at the call, so a count over the answer is exact.
     */
    public static List<ConsumerRecord<String, String>> readToEnd(String bootstrap, String topic, String key,
            Duration timeout) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap)) {
            List<TopicPartition> partitions = assignFromStart(consumer, topic);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Instant deadline = Instant.now().plus(timeout);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError(topic + " not read to its end in " + timeout);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())
                            && record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        found.add(record);
                    }
                }
            }
            return found;
        }
    }

    public static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
    }

    private static List<TopicPartition> assignFromStart(KafkaConsumer<String, String> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
