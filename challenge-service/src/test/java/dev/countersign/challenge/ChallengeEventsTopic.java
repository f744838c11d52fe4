package dev.countersign.challenge;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;

import dev.countersign.testkit.EventTopics;

/** Reads {@code challenge-events} from the start, as a consumer of its own group would. */
final class ChallengeEventsTopic {

    static final String TOPIC = "challenge-events";

    private ChallengeEventsTopic() {
    }

    /** Waits (up to 30 s) until the challenge's events satisfy {@code done}; answers them in topic order. */
    static List<ConsumerRecord<String, String>> awaitEvents(String challengeId,
            Predicate<List<ConsumerRecord<String, String>>> done) {
        List<ConsumerRecord<String, String>> found = EventTopics.read(bootstrap(), TOPIC, challengeId, done,
                Duration.ofSeconds(30));
        if (!done.test(found)) {
            throw new AssertionError("Events of " + challengeId + " never matched; got " + found);
        }
        return found;
    }

    /** Every event of the challenge on the topic now, exactly (see {@link EventTopics#readToEnd}). */
    static List<ConsumerRecord<String, String>> allEvents(String challengeId) {
        return EventTopics.readToEnd(bootstrap(), TOPIC, challengeId, Duration.ofSeconds(30));
    }

    /** The events once {@code types} have all been seen. */
    static List<ConsumerRecord<String, String>> awaitTypes(String challengeId, String... types) {
        return awaitEvents(challengeId, records -> List.of(types).stream()
                .allMatch(type -> records.stream().anyMatch(record -> type(record).equals("dev.countersign." + type))));
    }

    static String header(ConsumerRecord<String, String> record, String name) {
        return EventTopics.header(record, name);
    }

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    static String type(ConsumerRecord<String, String> record) {
        return String.valueOf(header(record, "ce_type"));
    }
}
