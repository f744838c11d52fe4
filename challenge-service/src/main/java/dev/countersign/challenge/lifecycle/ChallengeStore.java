package dev.countersign.challenge.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.challenge.metrics.ChallengeMetrics;
import dev.countersign.challenge.redis.RedisReplies;
import dev.countersign.challenge.redis.RedisScript;
import dev.countersign.challenge.redis.RedisScripts;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * The challenge record in Redis (docs/architecture.md#redis-keys): one hash per challenge at
 * {@code cs:{ch:<challengeId>}}. Every transition is one script on this one key, which checks and
 * changes the state together, so two answers can never both win: the shared ones are in this
 * package ({@link ChallengeAnswers}, {@link SweepStore#expire}), a method's own in its package
 * ({@code qr/QrTransitions}, {@code inapp/InAppTransitions}); the scripts are
 * {@code src/main/resources/redis/*}{@code /*.lua}.
 * <p>
 * The outbox: every transition script records the events it implies in the challenge's own hash, as
 * fields {@code evt:<version>:<type>} = occurredAt (epoch ms), so the state and its pending events
 * change together on one key. A hash with pending events lives at least the outbox retention;
 * {@link OutboxStore#acknowledge} removes a published event and, with none left, gives the hash its
 * usual TTL back. Each script touches one key, so all of this is Redis Cluster-safe. Times are epoch
 * ms from the injected clock; the Redis TTLs only collect garbage. The other keys of the lifecycle:
 * {@link PendingIndex}, {@link SweepStore}, {@link OutboxStore}.
 */
@ApplicationScoped
public class ChallengeStore {

    private static final RedisScript CREATE = RedisScript.load("lifecycle/create");

    private final ReactiveRedisDataSource redis;
    private final RedisScripts scripts;
    private final SweepStore sweep;
    private final ChallengeMetrics metrics;

    public ChallengeStore(ReactiveRedisDataSource redis, RedisScripts scripts, SweepStore sweep,
            ChallengeMetrics metrics) {
        this.metrics = metrics;
        this.redis = redis;
        this.scripts = scripts;
        this.sweep = sweep;
    }

    public static String key(String challengeId) {
        return "cs:{ch:" + challengeId + "}";
    }

    /**
     * Schedules a new challenge's expiry, then stores it with its first events pending. The deadline
     * entry comes first, so no stored challenge is ever missing from the sweep.
     *
     * @param ttl the TTL of the hash once its events are published; while they are pending it is
     *        at least {@code outboxRetention}
     */
    public Uni<Void> create(Challenge challenge, List<PendingEvent> events, Duration ttl, Duration outboxRetention) {
        return create(challenge, Map.of(), events, ttl, outboxRetention);
    }

    /**
     * As {@link #create(Challenge, List, Duration, Duration)}, with fields beyond the challenge's own
     * (a QR challenge's device code hash), which only their owner reads (see {@link #fields(String)}).
     */
    public Uni<Void> create(Challenge challenge, Map<String, String> extra, List<PendingEvent> events, Duration ttl,
            Duration outboxRetention) {
        List<String> args = new ArrayList<>();
        args.add(Long.toString(Math.max(ttl.toMillis(), outboxRetention.toMillis())));
        Map<String, String> all = new LinkedHashMap<>(fields(challenge));
        all.putAll(extra);
        all.forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        for (PendingEvent event : events) {
            args.add(event.field());
            args.add(millis(event.occurredAt()));
        }
        return sweep.schedule(challenge.challengeId(), challenge.expiresAt())
                .flatMap(scheduled -> scripts.run(CREATE, List.of(key(challenge.challengeId())), args))
                .invoke(stored -> metrics.created(challenge))
                .replaceWithVoid();
    }

    public Uni<Optional<Challenge>> find(String challengeId) {
        return redis.hash(String.class).hgetall(key(challengeId))
                .map(fields -> fields == null || fields.isEmpty()
                        ? Optional.<Challenge>empty()
                        : Optional.of(toChallenge(fields)));
    }

    /** The challenge's stored fields, raw (empty when it is not stored); see {@link #toChallenge}. */
    public Uni<Map<String, String>> fields(String challengeId) {
        return redis.hash(String.class).hgetall(key(challengeId))
                .map(fields -> fields == null ? Map.<String, String>of() : fields);
    }

    /** The challenge and its pending events, if it is still stored. */
    public Uni<Optional<Snapshot>> snapshot(String challengeId) {
        return redis.hash(String.class).hgetall(key(challengeId))
                .map(fields -> fields == null || fields.isEmpty()
                        ? Optional.<Snapshot>empty()
                        : Optional.of(new Snapshot(toChallenge(fields), pendingEvents(fields))));
    }

    /** A transition script's {@code HGETALL} of the hash after the change. */
    static Snapshot snapshot(Response flat) {
        Map<String, String> fields = RedisReplies.fields(flat);
        return new Snapshot(toChallenge(fields), pendingEvents(fields));
    }

    static String millis(Instant instant) {
        return Long.toString(instant.toEpochMilli());
    }

    private static Map<String, String> fields(Challenge challenge) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("challengeId", challenge.challengeId());
        fields.put("tenantId", challenge.tenantId());
        if (challenge.userId() != null) {
            // An anonymous QR challenge has no user until a device claims it.
            fields.put("userId", challenge.userId());
        }
        fields.put("kind", challenge.kind());
        fields.put("state", challenge.state().stored());
        fields.put("targets", String.join(" ", challenge.targetCredentialIds()));
        challenge.credentialId().ifPresent(id -> fields.put("credentialId", id));
        fields.put("actionCode", challenge.actionCode());
        fields.put("idempotencyKey", challenge.idempotencyKey());
        challenge.ipAddress().ifPresent(value -> fields.put("ipAddress", value));
        challenge.userAgent().ifPresent(value -> fields.put("userAgent", value));
        challenge.deviceId().ifPresent(value -> fields.put("deviceId", value));
        challenge.custom().ifPresent(value -> fields.put("custom", value));
        fields.put("createdAt", millis(challenge.createdAt()));
        fields.put("expiresAt", millis(challenge.expiresAt()));
        challenge.verificationCode().ifPresent(code -> fields.put("verificationCode", code));
        if (!challenge.codeChoices().isEmpty()) {
            fields.put("codeChoices", String.join(" ", challenge.codeChoices()));
        }
        fields.put("wrongCodes", Integer.toString(challenge.wrongCodes()));
        fields.put("version", Long.toString(challenge.version()));
        return fields;
    }

    public static Challenge toChallenge(Map<String, String> fields) {
        return new Challenge(
                fields.get("challengeId"),
                fields.get("tenantId"),
                Optional.ofNullable(fields.get("userId")).filter(id -> !id.isEmpty()).orElse(null),
                fields.get("kind"),
                ChallengeState.fromStored(fields.get("state")),
                words(fields.get("targets")),
                Optional.ofNullable(fields.get("credentialId")),
                fields.get("actionCode"),
                fields.get("idempotencyKey"),
                Optional.ofNullable(fields.get("ipAddress")),
                Optional.ofNullable(fields.get("userAgent")),
                Optional.ofNullable(fields.get("deviceId")),
                Optional.ofNullable(fields.get("custom")),
                Instant.ofEpochMilli(Long.parseLong(fields.get("createdAt"))),
                Instant.ofEpochMilli(Long.parseLong(fields.get("expiresAt"))),
                Optional.ofNullable(fields.get("verificationCode")),
                words(fields.get("codeChoices")),
                Integer.parseInt(fields.getOrDefault("wrongCodes", "0")),
                Long.parseLong(fields.get("version")));
    }

    /** The pending events among a hash's fields, in the order they happened. */
    static List<PendingEvent> pendingEvents(Map<String, String> fields) {
        List<PendingEvent> events = new ArrayList<>();
        fields.forEach((field, value) -> {
            if (field.startsWith(PendingEvent.FIELD_PREFIX)) {
                String[] parts = field.split(":", 3);
                events.add(new PendingEvent(parts[2], Long.parseLong(parts[1]),
                        Instant.ofEpochMilli(Long.parseLong(value))));
            }
        });
        events.sort(Comparator.comparingLong(PendingEvent::version).thenComparingInt(PendingEvent::rank));
        return events;
    }

    private static List<String> words(String value) {
        return value == null || value.isBlank() ? List.of() : Arrays.asList(value.strip().split(" +"));
    }
}
