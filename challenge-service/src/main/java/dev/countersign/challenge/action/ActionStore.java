package dev.countersign.challenge.action;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.challenge.redis.RedisReplies;
import dev.countersign.challenge.redis.RedisScript;
import dev.countersign.challenge.redis.RedisScripts;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Tracked actions in Redis: one hash per action at {@code cs:{a:<tenant>:<idempotencyKey>}}
 * (docs/architecture.md#redis-keys), with the action TTL. Every write is one script on that one key, so two
 * concurrent tracks with the same idempotency key create one action and a challenge result is
 * recorded at most once.
 */
@ApplicationScoped
public class ActionStore {

    private static final RedisScript CREATE = RedisScript.load("action/create");
    private static final RedisScript COMPLETE = RedisScript.load("action/complete");
    private static final RedisScript BIND = RedisScript.load("action/bind");
    private static final RedisScript INDEX = RedisScript.load("action/index");
    private static final RedisScript REVIEW = RedisScript.load("action/review");

    private final ReactiveRedisDataSource redis;
    private final RedisScripts scripts;

    public ActionStore(ReactiveRedisDataSource redis, RedisScripts scripts) {
        this.redis = redis;
        this.scripts = scripts;
    }

    public static String key(String tenantId, String idempotencyKey) {
        return "cs:{a:" + tenantId + ":" + idempotencyKey + "}";
    }

    /**
     * Stores the action unless its key is taken. {@code attributes} are the track attributes kept
     * beside it (ip address, user agent, custom JSON...), absent ones left out.
     */
    public Uni<Created> create(Action action, Map<String, String> attributes, Duration ttl) {
        List<String> args = new ArrayList<>();
        args.add(Long.toString(ttl.toMillis()));
        attributes.forEach((field, value) -> {
            if (value != null) {
                args.add(field);
                args.add(value);
            }
        });
        fields(action).forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        return scripts.run(CREATE, List.of(key(action.tenantId(), action.idempotencyKey())), args)
                .map(reply -> {
                    Map<String, String> stored = RedisReplies.fields(reply.get(1));
                    return new Created(reply.get(0).toInteger() == 1,
                            toAction(action.tenantId(), action.idempotencyKey(), stored), stored);
                })
                .call(created -> created.created() ? index(action, ttl) : Uni.createFrom().voidItem());
    }

    public Uni<Optional<Action>> find(String tenantId, String idempotencyKey) {
        return redis.hash(String.class).hgetall(key(tenantId, idempotencyKey))
                .map(fields -> fields == null || fields.isEmpty()
                        ? Optional.<Action>empty()
                        : Optional.of(toAction(tenantId, idempotencyKey, fields)))
                // A key of another tenant whose name happens to collide (ids containing ':') is not ours.
                .map(found -> found.filter(action -> action.tenantId().equals(tenantId)));
    }

    /** The action's stored track attributes and fields, raw (empty when there is no such action). */
    public Uni<Map<String, String>> attributes(String tenantId, String idempotencyKey) {
        return redis.hash(String.class).hgetall(key(tenantId, idempotencyKey))
                .map(fields -> fields == null ? Map.<String, String>of() : fields);
    }

    /** Records a challenge's result, once, on an action still waiting for one. */
    public Uni<Completion> complete(String tenantId, String idempotencyKey, ActionState result,
            String verificationMethod, String verifiedBy, Instant at) {
        return scripts.run(COMPLETE, key(tenantId, idempotencyKey), result.name(),
                        Long.toString(at.toEpochMilli()), verificationMethod, verifiedBy == null ? "" : verifiedBy)
                .map(Response::toString)
                .map(reply -> switch (reply) {
                    case "updated" -> Completion.UPDATED;
                    case "missing" -> Completion.NOT_FOUND;
                    default -> Completion.ALREADY_DECIDED;
                });
    }

    private static Map<String, String> fields(Action action) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("tenantId", action.tenantId());
        fields.put("userId", action.userId());
        fields.put("actionCode", action.actionCode());
        fields.put("state", action.state().name());
        fields.put("createdAt", Long.toString(action.createdAt().toEpochMilli()));
        fields.put("stateUpdatedAt", Long.toString(action.stateUpdatedAt().toEpochMilli()));
        action.verificationMethod().ifPresent(method -> fields.put("verificationMethod", method));
        action.scope().ifPresent(scope -> fields.put("scope", scope));
        action.username().ifPresent(username -> fields.put("username", username));
        action.verifiedByAuthenticatorId().ifPresent(id -> fields.put("verifiedByAuthenticatorId", id));
        return fields;
    }

    static Action toAction(String tenantId, String idempotencyKey, Map<String, String> fields) {
        return new Action(
                fields.getOrDefault("tenantId", tenantId),
                idempotencyKey,
                fields.get("userId"),
                fields.get("actionCode"),
                ActionState.valueOf(fields.get("state")),
                Instant.ofEpochMilli(Long.parseLong(fields.get("createdAt"))),
                Instant.ofEpochMilli(Long.parseLong(fields.get("stateUpdatedAt"))),
                Optional.ofNullable(fields.get("verificationMethod")),
                Optional.ofNullable(fields.get("scope")),
                Optional.ofNullable(fields.get("username")),
                Optional.ofNullable(fields.get("verifiedByAuthenticatorId")));
    }

    /** The action under the key after create, whether this call made it, and its stored fields. */
    public record Created(boolean created, Action action, Map<String, String> fields) {
    }

    public enum Completion {
        UPDATED,
        NOT_FOUND,
        /** The action already has a result (or never needed one): nothing changed. */
        ALREADY_DECIDED
    }

    // --- in-app verification without an action ----------------------------------------------------

    /** The attribute marking an action made by an in-app verification that named no action. */
    public static final String UNBOUND = "inAppUnbound";

    /** The action code of the action after binding an empty one to {@code actionCode} ({@code redis/action/bind.lua}). */
    public Uni<Optional<String>> bindActionCode(String tenantId, String idempotencyKey, String actionCode) {
        return scripts.run(BIND, key(tenantId, idempotencyKey), actionCode)
                .map(reply -> reply == null ? Optional.<String>empty() : Optional.of(reply.toString()));
    }

    // --- the user's actions (Server API query, docs/protocol/wire.md#54-get-update-and-query-actions) ----------------------------------------------

    /**
     * Lists a new action in its user's index {@code cs:{ua:<tenant>:<userId>}:actions} (idempotency
     * keys by creation time). Another slot than the action's hash, so a second call: an action whose
     * index entry was lost to a crash is still found by key, only missing from the query. Entries
     * older than the action TTL are pruned here; the index itself lives as long as its newest action.
     */
    private Uni<Void> index(Action action, Duration ttl) {
        String index = userIndex(action.tenantId(), action.userId());
        long created = action.createdAt().toEpochMilli();
        return scripts.run(INDEX, index, Long.toString(created), action.idempotencyKey(),
                Long.toString(created - ttl.toMillis()), Long.toString(ttl.toMillis())).replaceWithVoid();
    }

    public static String userIndex(String tenantId, String userId) {
        return "cs:{ua:" + tenantId + ":" + userId + "}:actions";
    }

    /** The user's actions created at or after {@code from}, newest first, at most {@code limit}. */
    public Uni<List<Action>> listForUser(String tenantId, String userId, Instant from, int limit) {
        return redis.execute("ZREVRANGEBYSCORE", userIndex(tenantId, userId), "+inf",
                        Long.toString(from.toEpochMilli()), "LIMIT", "0", Integer.toString(limit))
                .flatMap(reply -> {
                    List<String> keys = new ArrayList<>();
                    for (Response key : reply) {
                        keys.add(key.toString());
                    }
                    return io.smallrye.mutiny.Multi.createFrom().iterable(keys)
                            .onItem().transformToUniAndConcatenate(key -> find(tenantId, key))
                            .filter(Optional::isPresent)
                            .map(Optional::get)
                            // Its hash expired or the key was reused by someone else: not this user's any more.
                            .filter(action -> action.userId().equals(userId))
                            .collect().asList();
                });
    }

    /** Applies a review state ({@code redis/action/review.lua}): empty when done, else the state that refused it. */
    public Uni<Optional<String>> review(String tenantId, String idempotencyKey, ActionState target, Instant at) {
        return scripts.run(REVIEW, key(tenantId, idempotencyKey), target.name(),
                        Long.toString(at.toEpochMilli()))
                .map(Response::toString)
                .map(reply -> reply.equals("updated") ? Optional.<String>empty() : Optional.of(reply));
    }
}
