package dev.countersign.challenge.lifecycle;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.challenge.replica.KeyReplica;
import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.common.event.PushTarget;
import dev.countersign.common.tracing.TraceContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes challenge steps on {@code challenge-events} (CloudEvents binary, Kafka key = challenge
 * id, acks=all) and completes only once the broker acknowledged them. The event id is derived from the
 * challenge, the type and the version, so a step published twice (a retry) carries the same id and
 * consumers deduplicate it. Never carries the verification code or a token.
 */
@ApplicationScoped
public class ChallengeEventPublisher {

    public static final String CHANNEL = "challenge-events";
    static final URI SOURCE = URI.create("/countersign/challenge-service");
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };

    private final MutinyEmitter<ChallengeEvent> emitter;
    private final ObjectMapper json;
    private final KeyReplica replica;

    public ChallengeEventPublisher(@Channel(CHANNEL) MutinyEmitter<ChallengeEvent> emitter, ObjectMapper json,
            KeyReplica replica) {
        this.emitter = emitter;
        this.json = json;
        this.replica = replica;
    }

    /** One step to publish: its type, the challenge as the step saw it, and when it happened. */
    public record Step(String type, Challenge challenge, Instant occurredAt) {
    }

    /**
     * Publishes the steps, in order, as part of the trace {@code traceparent} names (the request's,
     * kept with the outbox entry; the current one when empty), and completes once the broker
     * acknowledged all of them; fails if it refused any. The records are built first (a
     * {@code push.requested} looks up the devices' addresses) and then sent back to back without
     * waiting for each acknowledgement: they share the challenge's key, so one partition, and the
     * idempotent producer keeps their order, so a snapshot costs one round trip to the broker.
     */
    public Uni<Void> publish(List<Step> steps, Optional<String> traceparent) {
        return Multi.createFrom().iterable(steps)
                .onItem().transformToUniAndConcatenate(step -> message(step, traceparent))
                .collect().asList()
                .flatMap(messages -> Uni.join().all(messages.stream().map(this::send).toList()).andFailFast())
                .replaceWithVoid();
    }

    /** Sends one record; completes once the broker acknowledged it. */
    protected Uni<Void> send(Message<ChallengeEvent> message) {
        return emitter.sendMessage(message);
    }

    private Uni<Message<ChallengeEvent>> message(Step step, Optional<String> traceparent) {
        if (ChallengeEvent.PUSH_REQUESTED.equals(step.type())) {
            // The devices' addresses as the replica knows them now: a token refreshed or
            // cleared since the challenge began is honoured by a republish too.
            Challenge challenge = step.challenge();
            return replica.pushTargets(challenge.tenantId(), challenge.userId(), challenge.targetCredentialIds())
                    .map(targets -> message(event(step.type(), challenge, step.occurredAt(), targets), traceparent));
        }
        return Uni.createFrom().item(() -> message(event(step.type(), step.challenge(), step.occurredAt()),
                traceparent));
    }

    ChallengeEvent event(String type, Challenge challenge, Instant occurredAt) {
        return event(type, challenge, occurredAt, null);
    }

    ChallengeEvent event(String type, Challenge challenge, Instant occurredAt, List<PushTarget> targets) {
        String eventId = UUID.nameUUIDFromBytes((challenge.challengeId() + "/" + type + "/" + challenge.version())
                .getBytes(StandardCharsets.UTF_8)).toString();
        return new ChallengeEvent(eventId, type, challenge.tenantId(), challenge.challengeId(), challenge.version(),
                challenge.kind(), challenge.userId(), challenge.actionCode(), challenge.idempotencyKey(),
                challenge.targetCredentialIds(), challenge.credentialId().orElse(null),
                challenge.ipAddress().orElse(null), challenge.userAgent().orElse(null),
                challenge.deviceId().orElse(null), challenge.custom().map(this::parse).orElse(null),
                challenge.expiresAt(), occurredAt, targets);
    }

    private Map<String, Object> parse(String custom) {
        try {
            return json.readValue(custom, JSON_OBJECT);
        } catch (JsonProcessingException e) {
            // Stored by track from a validated object; unreadable means no custom data to pass on.
            return null;
        }
    }

    private static Message<ChallengeEvent> message(ChallengeEvent event, Optional<String> traceparent) {
        return TraceContext.continuing(Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.challengeId()).build())
                .addMetadata(OutgoingCloudEventMetadata.<ChallengeEvent>builder()
                        .withId(event.eventId())
                        .withType(event.cloudEventType())
                        .withSource(SOURCE)
                        .withSubject(event.challengeId())
                        .withTimestamp(event.occurredAt().atZone(ZoneOffset.UTC))
                        .build()), traceparent.orElse(null));
    }
}
