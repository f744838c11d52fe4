package dev.countersign.challenge.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.challenge.action.ActionStore;
import dev.countersign.challenge.redis.RedisScript;
import dev.countersign.challenge.redis.RedisScripts;
import dev.countersign.common.event.DeliveryEvent;
import dev.countersign.common.event.DeliveryStatus;
import dev.countersign.common.json.WireTime;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * An action's delivery results at {@code cs:{a:<tenant>:<idempotencyKey>}:deliveries} (the action's
 * hash tag, so the script may read the action's TTL): one field per challenge, channel and device
 * ({@code <challengeId>:<channel>:<credentialId or ''>}), holding the latest attempt. A later
 * attempt wins; within one attempt the provider's answer wins over {@code sent}; a repeat (same
 * attempt, same rank) changes nothing, so redeliveries and out-of-order records are harmless.
 */
@ApplicationScoped
public class DeliveryResultStore {

    /** When the action's own TTL cannot be read (gone already, or none). */
    static final Duration FALLBACK_TTL = Duration.ofDays(1);

    private static final RedisScript RECORD = RedisScript.load("delivery/record");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ReactiveRedisDataSource redis;
    private final RedisScripts scripts;

    public DeliveryResultStore(ReactiveRedisDataSource redis, RedisScripts scripts) {
        this.redis = redis;
        this.scripts = scripts;
    }

    public static String key(String tenantId, String idempotencyKey) {
        return ActionStore.key(tenantId, idempotencyKey) + ":deliveries";
    }

    /** One delivery result as get action shows it (absent fields omitted). */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Result(String challengeId, String channel, String credentialId, String status, int attempts,
            Integer httpStatus, String reason, boolean done, String updatedAt) {
    }

    /** Keeps the record if it is newer than what the action holds for that device; true when kept. */
    public Uni<Boolean> record(DeliveryEvent delivery) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("challengeId", delivery.challengeId());
        value.put("channel", delivery.channel());
        value.put("credentialId", delivery.credentialId());
        value.put("status", delivery.status().wireName());
        value.put("attempts", delivery.attempt());
        value.put("httpStatus", delivery.httpStatus());
        value.put("reason", delivery.reason());
        value.put("done", Boolean.TRUE.equals(delivery.finalAttempt()));
        value.put("updatedAt", WireTime.format(delivery.occurredAt() == null ? Instant.EPOCH : delivery.occurredAt()));
        int rank = delivery.status() == DeliveryStatus.SENT ? 0 : 1;
        value.put("rank", rank);
        String field = delivery.challengeId() + ":" + delivery.channel() + ":"
                + (delivery.credentialId() == null ? "" : delivery.credentialId());
        String json;
        try {
            json = JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return scripts.run(RECORD, List.of(key(delivery.tenantId(), delivery.idempotencyKey()),
                        ActionStore.key(delivery.tenantId(), delivery.idempotencyKey())), List.of(field,
                        Integer.toString(delivery.attempt()), Integer.toString(rank), json,
                        Long.toString(FALLBACK_TTL.toMillis())))
                .map(reply -> reply.toInteger() == 1);
    }

    /** The action's delivery results, oldest first. */
    public Uni<List<Result>> of(String tenantId, String idempotencyKey) {
        return redis.hash(String.class).hgetall(key(tenantId, idempotencyKey)).map(fields -> {
            List<Result> results = new ArrayList<>();
            if (fields != null) {
                for (String value : fields.values()) {
                    try {
                        var entry = JSON.readTree(value);
                        results.add(new Result(text(entry, "challengeId"), text(entry, "channel"),
                                text(entry, "credentialId"), text(entry, "status"), entry.path("attempts").asInt(),
                                entry.hasNonNull("httpStatus") ? entry.get("httpStatus").asInt() : null,
                                text(entry, "reason"), entry.path("done").asBoolean(), text(entry, "updatedAt")));
                    } catch (java.io.IOException e) {
                        // Written only by record(); an unreadable entry is left out.
                    }
                }
            }
            results.sort(Comparator.comparing(Result::updatedAt, Comparator.nullsFirst(Comparator.naturalOrder()))
                    .thenComparing(Result::channel, Comparator.nullsFirst(Comparator.naturalOrder()))
                    .thenComparing(Result::credentialId, Comparator.nullsFirst(Comparator.naturalOrder())));
            return results;
        });
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode entry, String name) {
        return entry.hasNonNull(name) ? entry.get(name).asText() : null;
    }
}
