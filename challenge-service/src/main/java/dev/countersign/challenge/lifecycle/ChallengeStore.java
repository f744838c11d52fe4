package dev.countersign.challenge.lifecycle;

import java.security.SecureRandom;
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

import dev.countersign.challenge.redis.RedisReplies;
import dev.countersign.common.event.ChallengeEvent;
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
 * <li>{@code cs:{outbox}:challenges}: challenges that may have unpublished events, scored by when the
 * repair should look at them (see {@code ChallengeOutbox}).</li>
 * </ul>
 * The outbox: every transition script records the events it implies in the challenge's own hash, as
 * fields {@code evt:<version>:<type>} = occurredAt (epoch ms), so the state and its pending events
 * change together on one key. A hash with pending events lives at least the outbox retention;
 * {@link #ACK} removes a published event and, with none left, gives the hash its usual TTL back.
 * Each script touches one key, so all of this is Redis Cluster-safe. Times are epoch ms from the
 * injected clock; the Redis TTLs only collect garbage.
 */
@ApplicationScoped
public class ChallengeStore {

    public static final String DEADLINES = "cs:{sweep}:deadlines";
    public static final String UNPUBLISHED = "cs:{outbox}:challenges";
    static final String EVENT_PREFIX = "evt:";

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

    /** ARGV: TTL ms, then field/value pairs (the pending events among them). */
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
     * challenge. Only then the final state, the credential and version+1 are written. ARGV[8]: the
     * outbox retention (ms), the least TTL of a hash with pending events. A burn records
     * {@code challenge.expired}, an answer {@code challenge.approved|rejected}, both at version+1.
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
                    'endedAt', ARGV[6], 'evt:' .. (version + 1) .. ':challenge.expired', ARGV[6])
                  if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[8]) then
                    redis.call('PEXPIRE', KEYS[1], ARGV[8])
                  end
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
              'endedAt', ARGV[6], 'evt:' .. (version + 1) .. ':challenge.' .. state, ARGV[6])
            if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[8]) then
              redis.call('PEXPIRE', KEYS[1], ARGV[8])
            end
            return {'ok', redis.call('HGETALL', KEYS[1])}
            """;

    /**
     * The sweeper's step. ARGV: now, outbox retention ms. A pending challenge past its deadline
     * becomes expired and records {@code challenge.expired} ({'expired', fields}); one already
     * expired is {'already', fields}, an open one {'open', fields}, any other {'ended', fields}: the
     * sweeper publishes whatever events are still pending in each.
     */
    private static final String EXPIRE = """
            local c = redis.call('HMGET', KEYS[1], 'state', 'expiresAt', 'version')
            if not c[1] then
              return {'missing'}
            end
            if c[1] == 'pending' then
              if tonumber(c[2]) > tonumber(ARGV[1]) then
                return {'open', redis.call('HGETALL', KEYS[1])}
              end
              local version = tonumber(c[3]) + 1
              redis.call('HSET', KEYS[1], 'state', 'expired', 'version', version, 'endedAt', ARGV[1],
                'evt:' .. version .. ':challenge.expired', ARGV[1])
              if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then
                redis.call('PEXPIRE', KEYS[1], ARGV[2])
              end
              return {'expired', redis.call('HGETALL', KEYS[1])}
            end
            if c[1] == 'expired' then
              return {'already', redis.call('HGETALL', KEYS[1])}
            end
            return {'ended', redis.call('HGETALL', KEYS[1])}
            """;

    /**
     * A QR-code claim (decisions §10). ARGV: tenantId, userId and credentialId of the claiming
     * credential, now, outbox retention ms. Checks, in this order: a QR challenge of this tenant
     * (else not_found), still pending (expired/burned: expired; answered: answered), not claimed yet
     * (answered: a second claim by any credential is 409, decisions §10), not bound to another user
     * (a challenge created with a track token belongs to that user: not_found), before its deadline
     * (expired). Then binds it: the user, the claiming credential
     * as its only target and as {@code credentialId}, version+1, {@code challenge.claimed} recorded.
     */
    private static final String CLAIM_QR = """
            local c = redis.call('HMGET', KEYS[1], 'tenantId', 'kind', 'userId', 'state', 'credentialId',
              'expiresAt', 'version')
            if not c[1] or c[1] ~= ARGV[1] or c[2] ~= 'qr-code' then
              return {'not_found'}
            end
            if c[4] == 'expired' or c[4] == 'burned' then
              return {'expired'}
            end
            if c[4] ~= 'pending' or (c[5] and c[5] ~= '') then
              return {'answered'}
            end
            if c[3] and c[3] ~= '' and c[3] ~= ARGV[2] then
              return {'not_found'}
            end
            if tonumber(c[6]) <= tonumber(ARGV[4]) then
              return {'expired'}
            end
            local version = tonumber(c[7]) + 1
            redis.call('HSET', KEYS[1], 'userId', ARGV[2], 'targets', ARGV[3], 'credentialId', ARGV[3],
              'claimedAt', ARGV[4], 'version', version, 'evt:' .. version .. ':challenge.claimed', ARGV[4])
            if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[5]) then
              redis.call('PEXPIRE', KEYS[1], ARGV[5])
            end
            return {'ok', redis.call('HGETALL', KEYS[1])}
            """;

    /**
     * A published event leaves the outbox. ARGV: its field, now, retention ms. Removes the field
     * (if still there) and, when no event is pending any more, sets the TTL the hash would have had
     * without the outbox: retention after its deadline (or after now, if that passed). Answers how
     * many events are still pending; -1 when the hash is gone.
     */
    private static final String ACK = """
            if redis.call('EXISTS', KEYS[1]) == 0 then
              return -1
            end
            redis.call('HDEL', KEYS[1], ARGV[1])
            local left = 0
            for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
              if string.sub(field, 1, 4) == 'evt:' then
                left = left + 1
              end
            end
            if left == 0 then
              local deadline = tonumber(redis.call('HGET', KEYS[1], 'expiresAt') or ARGV[2])
              redis.call('PEXPIREAT', KEYS[1], math.max(deadline, tonumber(ARGV[2])) + tonumber(ARGV[3]))
            end
            return left
            """;

    /**
     * Claims a due entry of the unpublished index for one repairer. ARGV: challengeId, now, lease
     * end (with a unique fraction). An entry due at or before now is moved to the lease end and that
     * score is answered; otherwise false. A repairer that dies leaves the entry due again at the
     * lease end.
     */
    private static final String CLAIM = """
            local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if not score or tonumber(score) > tonumber(ARGV[2]) then
              return false
            end
            redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
            return redis.call('ZSCORE', KEYS[1], ARGV[1])
            """;

    /**
     * Forgets an entry of the unpublished index only if its score is still the one the caller wrote
     * or claimed (ARGV: challengeId, score): a transition after the caller's last look rewrote it.
     */
    private static final String FORGET = """
            local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if score and score == ARGV[2] then
              return redis.call('ZREM', KEYS[1], ARGV[1])
            end
            return 0
            """;

    /** ARGV: challengeId, score. Answers the score as Redis keeps it, the token for {@link #FORGET}. */
    private static final String MARK = """
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
            return redis.call('ZSCORE', KEYS[1], ARGV[1])
            """;

    private static final SecureRandom RANDOM = new SecureRandom();

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
        List<String> args = new ArrayList<>(List.of("EVAL", CREATE, "1", key(challenge.challengeId()),
                Long.toString(Math.max(ttl.toMillis(), outboxRetention.toMillis()))));
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
        return redis.sortedSet(String.class)
                .zadd(DEADLINES, challenge.expiresAt().toEpochMilli(), challenge.challengeId())
                .flatMap(scheduled -> redis.execute(args.get(0), args.subList(1, args.size()).toArray(String[]::new)))
                .replaceWithVoid();
    }

    /** The challenge and its pending events, if it is still stored. */
    public Uni<Optional<Snapshot>> snapshot(String challengeId) {
        return redis.hash(String.class).hgetall(key(challengeId))
                .map(fields -> fields == null || fields.isEmpty()
                        ? Optional.<Snapshot>empty()
                        : Optional.of(new Snapshot(toChallenge(fields), pendingEvents(fields))));
    }

    /** Removes a published event from the hash (see {@link #ACK}); answers how many are left, -1 if gone. */
    public Uni<Integer> acknowledge(String challengeId, PendingEvent event, Instant now, Duration retention) {
        return redis.execute("EVAL", ACK, "1", key(challengeId), event.field(), millis(now),
                Long.toString(retention.toMillis())).map(Response::toInteger);
    }

    /**
     * Lists the challenge in the unpublished index, due for the repair at {@code due}. Answers the
     * entry's score (unique: a random fraction of a millisecond), the token to forget it with.
     */
    public Uni<String> markUnpublished(String challengeId, Instant due) {
        return redis.execute("EVAL", MARK, "1", UNPUBLISHED, challengeId, uniqueScore(due)).map(Response::toString);
    }

    /** Up to {@code limit} ids of the unpublished index due at or before {@code now}. */
    public Uni<List<String>> dueUnpublished(Instant now, int limit) {
        return redis.execute("ZRANGEBYSCORE", UNPUBLISHED, "-inf", millis(now), "LIMIT", "0", Integer.toString(limit))
                .map(reply -> {
                    List<String> ids = new ArrayList<>();
                    for (Response id : reply) {
                        ids.add(id.toString());
                    }
                    return ids;
                });
    }

    /** Claims a due entry until {@code leaseEnd} (see {@link #CLAIM}): its new score, or empty if not claimed. */
    public Uni<Optional<String>> claimUnpublished(String challengeId, Instant now, Instant leaseEnd) {
        return redis.execute("EVAL", CLAIM, "1", UNPUBLISHED, challengeId, millis(now), uniqueScore(leaseEnd))
                .map(reply -> reply == null ? Optional.<String>empty() : Optional.of(reply.toString()));
    }

    /** Forgets the entry if its score is still {@code score} (see {@link #FORGET}). */
    public Uni<Boolean> forgetUnpublished(String challengeId, String score) {
        return redis.execute("EVAL", FORGET, "1", UNPUBLISHED, challengeId, score)
                .map(reply -> reply.toInteger() == 1);
    }

    private static String uniqueScore(Instant at) {
        // A double near 2^41 keeps 11 bits below the millisecond: enough to tell two writers apart.
        return Double.toString(at.toEpochMilli() + RANDOM.nextInt(2048) / 2048.0);
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

    /** Runs the QR claim script (see {@link #CLAIM_QR}). */
    public Uni<Answer> claim(String challengeId, String tenantId, String userId, String credentialId, Instant now,
            Duration outboxRetention) {
        return redis.execute("EVAL", CLAIM_QR, "1", key(challengeId), tenantId, userId, credentialId, millis(now),
                        Long.toString(outboxRetention.toMillis()))
                .map(reply -> switch (reply.get(0).toString()) {
                    case "ok" -> new Answer(AnswerOutcome.ACCEPTED, snapshot(reply.get(1)), 0);
                    case "answered" -> new Answer(AnswerOutcome.ALREADY_ANSWERED, Optional.empty(), 0);
                    case "expired" -> new Answer(AnswerOutcome.EXPIRED, Optional.empty(), 0);
                    default -> new Answer(AnswerOutcome.NOT_FOUND, Optional.empty(), 0);
                });
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
            boolean approved, Optional<String> verificationCode, Instant now, int maxWrongCodes,
            Duration outboxRetention) {
        return redis.execute("EVAL", ANSWER, "1", key(challengeId), tenantId, userId, credentialId,
                        approved ? "1" : "0", verificationCode.orElse(""), millis(now), Integer.toString(maxWrongCodes),
                        Long.toString(outboxRetention.toMillis()))
                .map(reply -> {
                    String outcome = reply.get(0).toString();
                    return switch (outcome) {
                        case "ok" -> new Answer(AnswerOutcome.ACCEPTED, snapshot(reply.get(1)), 0);
                        case "burned" -> new Answer(AnswerOutcome.BURNED, snapshot(reply.get(1)), 0);
                        case "wrong_code" -> new Answer(AnswerOutcome.WRONG_CODE, Optional.empty(),
                                Integer.parseInt(reply.get(1).toString()));
                        case "code_required" -> new Answer(AnswerOutcome.CODE_REQUIRED, Optional.empty(), 0);
                        case "answered" -> new Answer(AnswerOutcome.ALREADY_ANSWERED, Optional.empty(), 0);
                        case "expired" -> new Answer(AnswerOutcome.EXPIRED, Optional.empty(), 0);
                        default -> new Answer(AnswerOutcome.NOT_FOUND, Optional.empty(), 0);
                    };
                });
    }

    private static Optional<Snapshot> snapshot(Response flat) {
        Map<String, String> fields = RedisReplies.fields(flat);
        return Optional.of(new Snapshot(toChallenge(fields), pendingEvents(fields)));
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
    public Uni<Expiry> expire(String challengeId, Instant now, Duration outboxRetention) {
        return redis.execute("EVAL", EXPIRE, "1", key(challengeId), millis(now),
                Long.toString(outboxRetention.toMillis())).map(reply -> {
            String outcome = reply.get(0).toString();
            Optional<Snapshot> challenge = reply.size() > 1 ? snapshot(reply.get(1)) : Optional.empty();
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
            if (field.startsWith(EVENT_PREFIX)) {
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
    public record Answer(AnswerOutcome outcome, Optional<Snapshot> challenge, int triesLeft) {
    }

    /** A challenge as stored, with the events its transitions recorded and nobody published yet. */
    public record Snapshot(Challenge challenge, List<PendingEvent> pending) {
    }

    /** An event a transition implies, waiting in the challenge's hash until Kafka acknowledged it. */
    public record PendingEvent(String type, long version, Instant occurredAt) {

        // Within one version: created before push.requested, as the initiation announces them.
        private static final List<String> ORDER = List.of(ChallengeEvent.CREATED, ChallengeEvent.PUSH_REQUESTED,
                ChallengeEvent.CLAIMED, ChallengeEvent.APPROVED, ChallengeEvent.REJECTED, ChallengeEvent.EXPIRED);

        public String field() {
            return EVENT_PREFIX + version + ":" + type;
        }

        int rank() {
            int rank = ORDER.indexOf(type);
            return rank < 0 ? ORDER.size() : rank;
        }
    }

    public enum ExpiryOutcome {
        EXPIRED,
        ALREADY_EXPIRED,
        OPEN,
        /** Answered or burned (its leftover events, if any, are in the snapshot), or no longer stored. */
        GONE
    }

    public record Expiry(ExpiryOutcome outcome, Optional<Snapshot> challenge) {
    }

    // --- in-app verification (§3.8, issue 7) -------------------------------------------------------

    /**
     * An in-app verification: the challenge was made without a user; the verifying credential's
     * signature binds it. ARGV: tenantId, userId, credentialId, actionCode ('' = keep the
     * challenge's), idempotencyKey, now, outbox retention ms. Only a pending, unexpired in-app
     * challenge of this tenant is approved — once: user, credential, action and idempotency key are
     * written with the state, version+1 and its {@code challenge.approved} event, all in this script.
     */
    private static final String ANSWER_IN_APP = """
            local c = redis.call('HMGET', KEYS[1], 'tenantId', 'kind', 'state', 'expiresAt', 'version', 'actionCode')
            if not c[1] or c[1] ~= ARGV[1] or c[2] ~= 'in-app' then
              return {'not_found'}
            end
            if c[3] == 'expired' or c[3] == 'burned' then
              return {'expired'}
            end
            if c[3] ~= 'pending' then
              return {'answered'}
            end
            if tonumber(c[4]) <= tonumber(ARGV[6]) then
              return {'expired'}
            end
            local version = tonumber(c[5]) + 1
            local action = c[6]
            if ARGV[4] ~= '' then
              action = ARGV[4]
            end
            redis.call('HSET', KEYS[1], 'state', 'approved', 'userId', ARGV[2], 'targets', ARGV[3],
              'credentialId', ARGV[3], 'actionCode', action, 'idempotencyKey', ARGV[5], 'version', version,
              'endedAt', ARGV[6], 'evt:' .. version .. ':challenge.approved', ARGV[6])
            if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[7]) then
              redis.call('PEXPIRE', KEYS[1], ARGV[7])
            end
            return {'ok', redis.call('HGETALL', KEYS[1])}
            """;

    /** Runs the in-app verification script (see {@link #ANSWER_IN_APP}); outcomes as for {@link #answer}. */
    public Uni<Answer> answerInApp(String challengeId, String tenantId, String userId, String credentialId,
            Optional<String> actionCode, String idempotencyKey, Instant now, Duration outboxRetention) {
        return redis.execute("EVAL", ANSWER_IN_APP, "1", key(challengeId), tenantId, userId, credentialId,
                        actionCode.orElse(""), idempotencyKey, millis(now), Long.toString(outboxRetention.toMillis()))
                .map(reply -> switch (reply.get(0).toString()) {
                    case "ok" -> new Answer(AnswerOutcome.ACCEPTED, snapshot(reply.get(1)), 0);
                    case "answered" -> new Answer(AnswerOutcome.ALREADY_ANSWERED, Optional.empty(), 0);
                    case "expired" -> new Answer(AnswerOutcome.EXPIRED, Optional.empty(), 0);
                    default -> new Answer(AnswerOutcome.NOT_FOUND, Optional.empty(), 0);
                });
    }
}
