package dev.countersign.challenge.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.challenge.Challenge;
import dev.countersign.challenge.ChallengeState;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Challenges in Redis (DESIGN's Redis keys):
 * <ul>
 * <li>{@code cs:{ch:<challengeId>}}: one hash per challenge. Every transition is one script on this
 * one key, which checks and changes the state together, so two answers can never both win.</li>
 * <li>{@code cs:{u:<tenant>:<userId>}:pending}: the user's pending challenges by deadline, for the
 * device's fetch (decisions §9) and the per-user cap on pending push challenges.</li>
 * <li>{@code cs:{sweep}:deadlines}: every challenge by deadline, for the sweeper; a sweeper claims
 * an id with {@code ZREM}, so of several replicas exactly one emits {@code challenge.expired}.</li>
 * </ul>
 * Each script touches one key, so all of this is Redis Cluster-safe. Times are epoch ms from the
 * injected clock; the Redis TTLs only collect garbage.
 */
@ApplicationScoped
public class ChallengeStore {

    public static final String DEADLINES = "cs:{sweep}:deadlines";

    /**
     * ARGV: now, max pending, challengeId, deadline, index TTL ms. Forgets entries past their
     * deadline, then adds the challenge unless the user is at the cap. Answers {1, deadline} when
     * added, {0, the oldest pending deadline} when the cap is reached.
     */
    private static final String RESERVE = """
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
              local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
              return {0, oldest[2]}
            end
            redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            return {1, ARGV[4]}
            """;

    /** ARGV: TTL ms, then field/value pairs. */
    private static final String CREATE = """
            redis.call('HSET', KEYS[1], unpack(ARGV, 2))
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 1
            """;

    /**
     * A device's answer. ARGV: tenantId, userId (of the answering credential), credentialId,
     * approved (1|0), verification code ('' = none), now, max wrong codes. Checks, in this order:
     * the challenge is this user's and targets this credential (else not_found), it is still pending
     * (else expired or answered), its deadline has not passed (expired), and for an approval the
     * code when one is required: a wrong one is counted and the last allowed one burns the
     * challenge. Only then the final state, the credential and version+1 are written.
     */
    private static final String ANSWER = """
            local c = redis.call('HMGET', KEYS[1], 'tenantId', 'userId', 'targets', 'state', 'expiresAt',
              'verificationCode', 'wrongCodes', 'version')
            if not c[1] or c[1] ~= ARGV[1] or c[2] ~= ARGV[2] then
              return {'not_found'}
            end
            local targeted = false
            for id in string.gmatch(c[3], '%S+') do
              if id == ARGV[3] then
                targeted = true
              end
            end
            if not targeted then
              return {'not_found'}
            end
            if c[4] == 'expired' or c[4] == 'burned' then
              return {'expired'}
            end
            if c[4] ~= 'pending' then
              return {'answered'}
            end
            if tonumber(c[5]) <= tonumber(ARGV[6]) then
              return {'expired'}
            end
            local version = tonumber(c[8])
            if ARGV[4] == '1' and c[6] and c[6] ~= '' then
              if ARGV[5] == '' then
                return {'code_required'}
              end
              if ARGV[5] ~= c[6] then
                local wrong = tonumber(c[7] or '0') + 1
                if wrong >= tonumber(ARGV[7]) then
                  redis.call('HSET', KEYS[1], 'wrongCodes', wrong, 'state', 'burned', 'version', version + 1,
                    'endedAt', ARGV[6])
                  return {'burned', redis.call('HGETALL', KEYS[1])}
                end
                redis.call('HSET', KEYS[1], 'wrongCodes', wrong)
                return {'wrong_code', tostring(tonumber(ARGV[7]) - wrong)}
              end
            end
            local state = 'rejected'
            if ARGV[4] == '1' then
              state = 'approved'
            end
            redis.call('HSET', KEYS[1], 'state', state, 'credentialId', ARGV[3], 'version', version + 1,
              'endedAt', ARGV[6])
            return {'ok', redis.call('HGETALL', KEYS[1])}
            """;

    /**
     * The sweeper's step. ARGV: now. A pending challenge past its deadline becomes expired
     * ({'expired', fields}); one already expired answers its fields again ({'already', fields}) so
     * a sweeper that failed to publish can retry with the same event id; an open one is {'open'}.
     */
    private static final String EXPIRE = """
            local c = redis.call('HMGET', KEYS[1], 'state', 'expiresAt', 'version')
            if not c[1] then
              return {'missing'}
            end
            if c[1] == 'pending' then
              if tonumber(c[2]) > tonumber(ARGV[1]) then
                return {'open'}
              end
              redis.call('HSET', KEYS[1], 'state', 'expired', 'version', tonumber(c[3]) + 1, 'endedAt', ARGV[1])
              return {'expired', redis.call('HGETALL', KEYS[1])}
            end
            if c[1] == 'expired' then
              return {'already', redis.call('HGETALL', KEYS[1])}
            end
            return {'ended'}
            """;

    private final ReactiveRedisDataSource redis;

    public ChallengeStore(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    public static String key(String challengeId) {
        return "cs:{ch:" + challengeId + "}";
    }

    public static String pendingIndex(String tenantId, String userId) {
        return "cs:{u:" + tenantId + ":" + userId + "}:pending";
    }

    /**
     * Takes a place in the user's pending index unless {@code maxPending} challenges are pending;
     * empty when added, else the deadline of the oldest pending one.
     */
    public Uni<Optional<Instant>> reserve(String tenantId, String userId, String challengeId, Instant deadline,
            int maxPending, Instant now, Duration indexTtl) {
        return redis.execute("EVAL", RESERVE, "1", pendingIndex(tenantId, userId), millis(now),
                        Integer.toString(maxPending), challengeId, millis(deadline), Long.toString(indexTtl.toMillis()))
                .map(reply -> reply.get(0).toInteger() == 1
                        ? Optional.<Instant>empty()
                        : Optional.of(Instant.ofEpochMilli((long) Double.parseDouble(reply.get(1).toString()))));
    }

    /** Gives the place back (the challenge ended, or was never stored). */
    public Uni<Void> release(String tenantId, String userId, String challengeId) {
        return redis.sortedSet(String.class).zrem(pendingIndex(tenantId, userId), challengeId).replaceWithVoid();
    }

    /** Stores a new challenge and schedules its expiry. */
    public Uni<Void> create(Challenge challenge, Duration ttl) {
        List<String> args = new ArrayList<>(List.of("EVAL", CREATE, "1", key(challenge.challengeId()),
                Long.toString(ttl.toMillis())));
        fields(challenge).forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        return redis.execute(args.get(0), args.subList(1, args.size()).toArray(String[]::new))
                .flatMap(created -> redis.sortedSet(String.class)
                        .zadd(DEADLINES, challenge.expiresAt().toEpochMilli(), challenge.challengeId()))
                .replaceWithVoid();
    }

    public Uni<Optional<Challenge>> find(String challengeId) {
        return redis.hash(String.class).hgetall(key(challengeId))
                .map(fields -> fields == null || fields.isEmpty()
                        ? Optional.<Challenge>empty()
                        : Optional.of(toChallenge(fields)));
    }

    /** The user's pending challenge ids whose deadline is after {@code now}, oldest deadline first. */
    public Uni<List<String>> pendingIds(String tenantId, String userId, Instant now) {
        return redis.execute("ZRANGEBYSCORE", pendingIndex(tenantId, userId), "(" + millis(now), "+inf")
                .map(reply -> {
                    List<String> ids = new ArrayList<>();
                    for (Response id : reply) {
                        ids.add(id.toString());
                    }
                    return ids;
                });
    }

    /** Runs the answer script (see {@link #ANSWER}). */
    public Uni<Answer> answer(String challengeId, String tenantId, String userId, String credentialId,
            boolean approved, Optional<String> verificationCode, Instant now, int maxWrongCodes) {
        return redis.execute("EVAL", ANSWER, "1", key(challengeId), tenantId, userId, credentialId,
                        approved ? "1" : "0", verificationCode.orElse(""), millis(now), Integer.toString(maxWrongCodes))
                .map(reply -> {
                    String outcome = reply.get(0).toString();
                    return switch (outcome) {
                        case "ok" -> new Answer(AnswerOutcome.ACCEPTED, Optional.of(toChallenge(
                                RedisReplies.fields(reply.get(1)))), 0);
                        case "burned" -> new Answer(AnswerOutcome.BURNED, Optional.of(toChallenge(
                                RedisReplies.fields(reply.get(1)))), 0);
                        case "wrong_code" -> new Answer(AnswerOutcome.WRONG_CODE, Optional.empty(),
                                Integer.parseInt(reply.get(1).toString()));
                        case "code_required" -> new Answer(AnswerOutcome.CODE_REQUIRED, Optional.empty(), 0);
                        case "answered" -> new Answer(AnswerOutcome.ALREADY_ANSWERED, Optional.empty(), 0);
                        case "expired" -> new Answer(AnswerOutcome.EXPIRED, Optional.empty(), 0);
                        default -> new Answer(AnswerOutcome.NOT_FOUND, Optional.empty(), 0);
                    };
                });
    }

    /** Up to {@code limit} challenge ids whose deadline is at or before {@code now}. */
    public Uni<List<String>> dueForSweep(Instant now, int limit) {
        return redis.execute("ZRANGEBYSCORE", DEADLINES, "-inf", millis(now), "LIMIT", "0",
                        Integer.toString(limit))
                .map(reply -> {
                    List<String> ids = new ArrayList<>();
                    for (Response id : reply) {
                        ids.add(id.toString());
                    }
                    return ids;
                });
    }

    /** Claims a due id for this sweeper: true for exactly one of several concurrent claimers. */
    public Uni<Boolean> claimForSweep(String challengeId) {
        return redis.sortedSet(String.class).zrem(DEADLINES, challengeId).map(removed -> removed == 1);
    }

    /** Puts an id back for a later sweep (a publish failed, or it is not due yet). */
    public Uni<Void> rescheduleSweep(String challengeId, Instant at) {
        return redis.sortedSet(String.class).zadd(DEADLINES, at.toEpochMilli(), challengeId).replaceWithVoid();
    }

    /** Runs the expiry script (see {@link #EXPIRE}). */
    public Uni<Expiry> expire(String challengeId, Instant now) {
        return redis.execute("EVAL", EXPIRE, "1", key(challengeId), millis(now)).map(reply -> {
            String outcome = reply.get(0).toString();
            Optional<Challenge> challenge = reply.size() > 1
                    ? Optional.of(toChallenge(RedisReplies.fields(reply.get(1))))
                    : Optional.empty();
            return new Expiry(switch (outcome) {
                case "expired" -> ExpiryOutcome.EXPIRED;
                case "already" -> ExpiryOutcome.ALREADY_EXPIRED;
                case "open" -> ExpiryOutcome.OPEN;
                default -> ExpiryOutcome.GONE;
            }, challenge);
        });
    }

    private static String millis(Instant instant) {
        return Long.toString(instant.toEpochMilli());
    }

    private static Map<String, String> fields(Challenge challenge) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("challengeId", challenge.challengeId());
        fields.put("tenantId", challenge.tenantId());
        fields.put("userId", challenge.userId());
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

    static Challenge toChallenge(Map<String, String> fields) {
        return new Challenge(
                fields.get("challengeId"),
                fields.get("tenantId"),
                fields.get("userId"),
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

    private static List<String> words(String value) {
        return value == null || value.isBlank() ? List.of() : Arrays.asList(value.strip().split(" +"));
    }

    public enum AnswerOutcome {
        ACCEPTED,
        /** Another user's challenge, one not targeting the credential, or none at all. */
        NOT_FOUND,
        ALREADY_ANSWERED,
        /** Past its deadline, expired or burned. */
        EXPIRED,
        CODE_REQUIRED,
        WRONG_CODE,
        /** This wrong code was the last one allowed: the challenge is burned now. */
        BURNED
    }

    /** The outcome; the challenge after the change when there was one; tries left after a wrong code. */
    public record Answer(AnswerOutcome outcome, Optional<Challenge> challenge, int triesLeft) {
    }

    public enum ExpiryOutcome {
        EXPIRED,
        ALREADY_EXPIRED,
        OPEN,
        /** Answered, burned, or no longer stored: nothing to emit. */
        GONE
    }

    public record Expiry(ExpiryOutcome outcome, Optional<Challenge> challenge) {
    }
}
