package dev.countersign.challenge.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.countersign.challenge.action.ActionStore;
import dev.countersign.challenge.lifecycle.ChallengeStore;
import dev.countersign.challenge.lifecycle.OutboxStore;
import dev.countersign.challenge.lifecycle.PendingIndex;
import dev.countersign.challenge.limits.InitiationBudgetStore;
import dev.countersign.challenge.replica.KeyReplicaStore;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Response;

/**
 * Every transition script's refusals, run directly on real Redis (the services' tests reach most of
 * them only through HTTP, some never): the state a refusal finds must be left exactly as it was.
 */
@QuarkusTest
class RedisScriptsTest {

    private static final String TENANT = "t-scripts";
    private static final long NOW = 1_900_000_000_000L;
    private static final long RETENTION = Duration.ofDays(1).toMillis();

    @Inject
    RedisScripts scripts;

    @Inject
    RedisDataSource redis;

    private Response run(String script, List<String> keys, String... args) {
        return scripts.run(RedisScript.load(script), keys, Arrays.asList(args)).await().indefinitely();
    }

    private Response run(String script, String key, String... args) {
        return run(script, List.of(key), args);
    }

    private static String outcome(Response reply) {
        return reply.get(0).toString();
    }

    /** A stored challenge as the services write it; {@code overrides} replace or add fields. */
    private String challenge(Map<String, String> overrides) {
        String id = UUID.randomUUID().toString();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("challengeId", id);
        fields.put("tenantId", TENANT);
        fields.put("userId", "alice");
        fields.put("kind", "push");
        fields.put("state", "pending");
        fields.put("targets", "cred-1 cred-2");
        fields.put("actionCode", "signIn");
        fields.put("idempotencyKey", id);
        fields.put("createdAt", Long.toString(NOW - 1000));
        fields.put("expiresAt", Long.toString(NOW + 60_000));
        fields.put("wrongCodes", "0");
        fields.put("version", "1");
        fields.putAll(overrides);
        fields.values().removeIf(value -> value == null);
        redis.hash(String.class).hset(ChallengeStore.key(id), fields);
        redis.key(String.class).pexpire(ChallengeStore.key(id), Duration.ofMinutes(1));
        return id;
    }

    private String challenge() {
        return challenge(Map.of());
    }

    private Map<String, String> stored(String challengeId) {
        return redis.hash(String.class).hgetall(ChallengeStore.key(challengeId));
    }

    private Response answer(String challengeId, String userId, String credentialId, boolean approved, String code,
            long now, int maxWrongCodes) {
        return run("lifecycle/answer", ChallengeStore.key(challengeId), TENANT, userId, credentialId,
                approved ? "1" : "0", code, Long.toString(now), Integer.toString(maxWrongCodes),
                Long.toString(RETENTION));
    }

    // --- lifecycle/answer.lua ----------------------------------------------------------------------

    @Test
    void answerOfAnotherUsersChallengeIsNotFoundAndChangesNothing() {
        String id = challenge();
        Map<String, String> before = stored(id);

        assertThat(outcome(answer(id, "mallory", "cred-1", true, "", NOW, 3))).isEqualTo("not_found");
        assertThat(stored(id)).isEqualTo(before);
    }

    @Test
    void answerByACredentialTheChallengeDoesNotTargetIsNotFound() {
        String id = challenge();

        assertThat(outcome(answer(id, "alice", "cred-3", true, "", NOW, 3))).isEqualTo("not_found");
        assertThat(stored(id)).containsEntry("state", "pending").doesNotContainKey("credentialId");
    }

    @Test
    void answerOfAnotherTenantsOrAMissingChallengeIsNotFound() {
        String id = challenge(Map.of("tenantId", "another-tenant"));

        assertThat(outcome(answer(id, "alice", "cred-1", true, "", NOW, 3))).isEqualTo("not_found");
        assertThat(outcome(answer(UUID.randomUUID().toString(), "alice", "cred-1", true, "", NOW, 3)))
                .isEqualTo("not_found");
    }

    @Test
    void answerOfAnAnsweredChallengeIsRefusedAsAnswered() {
        String id = challenge(Map.of("state", "approved", "credentialId", "cred-2", "version", "2"));
        Map<String, String> before = stored(id);

        assertThat(outcome(answer(id, "alice", "cred-1", false, "", NOW, 3))).isEqualTo("answered");
        assertThat(stored(id)).isEqualTo(before);
    }

    @Test
    void answerOfAnExpiredBurnedOrSupersededChallengeIsRefusedAsExpired() {
        String expired = challenge(Map.of("state", "expired"));
        String burned = challenge(Map.of("state", "burned"));
        String superseded = challenge(Map.of("state", "superseded", "version", "2"));
        Map<String, String> before = stored(superseded);

        assertThat(outcome(answer(expired, "alice", "cred-1", true, "", NOW, 3))).isEqualTo("expired");
        assertThat(outcome(answer(burned, "alice", "cred-1", true, "", NOW, 3))).isEqualTo("expired");
        assertThat(outcome(answer(superseded, "alice", "cred-1", true, "", NOW, 3))).isEqualTo("expired");
        assertThat(outcome(answer(superseded, "alice", "cred-1", false, "", NOW, 3))).isEqualTo("expired");
        assertThat(stored(superseded)).isEqualTo(before);
    }

    @Test
    void answerAtOrPastTheDeadlineIsRefusedAsExpiredThoughStillPending() {
        String id = challenge();

        assertThat(outcome(answer(id, "alice", "cred-1", true, "", NOW + 60_000, 3))).isEqualTo("expired");
        assertThat(stored(id)).containsEntry("state", "pending").containsEntry("version", "1");
    }

    @Test
    void approvalWithoutTheRequiredCodeIsRefusedWithoutCountingAWrongCode() {
        String id = challenge(Map.of("verificationCode", "42"));

        assertThat(outcome(answer(id, "alice", "cred-1", true, "", NOW, 3))).isEqualTo("code_required");
        assertThat(stored(id)).containsEntry("state", "pending").containsEntry("wrongCodes", "0");
    }

    @Test
    void rejectionNeedsNoCode() {
        String id = challenge(Map.of("verificationCode", "42"));

        Response reply = answer(id, "alice", "cred-1", false, "", NOW, 3);

        assertThat(outcome(reply)).isEqualTo("ok");
        assertThat(stored(id)).containsEntry("state", "rejected").containsEntry("credentialId", "cred-1")
                .containsEntry("version", "2").containsEntry("evt:2:challenge.rejected", Long.toString(NOW));
    }

    @Test
    void wrongCodeIsCountedAndAnswersTheTriesLeft() {
        String id = challenge(Map.of("verificationCode", "42"));

        Response reply = answer(id, "alice", "cred-1", true, "17", NOW, 3);

        assertThat(outcome(reply)).isEqualTo("wrong_code");
        assertThat(reply.get(1).toString()).isEqualTo("2");
        assertThat(stored(id)).containsEntry("state", "pending").containsEntry("wrongCodes", "1")
                .containsEntry("version", "1");
    }

    @Test
    void lastAllowedWrongCodeBurnsTheChallengeAndRecordsItsExpiry() {
        String id = challenge(Map.of("verificationCode", "42", "wrongCodes", "2"));

        Response reply = answer(id, "alice", "cred-1", true, "17", NOW, 3);

        assertThat(outcome(reply)).isEqualTo("burned");
        assertThat(stored(id)).containsEntry("state", "burned").containsEntry("wrongCodes", "3")
                .containsEntry("version", "2").containsEntry("evt:2:challenge.expired", Long.toString(NOW))
                .doesNotContainKey("credentialId");
        // Its event outlives a Kafka outage: the hash lives at least the outbox retention.
        assertThat(redis.key(String.class).pttl(ChallengeStore.key(id))).isGreaterThan(RETENTION - 60_000);
        // Burned is final: the right code comes too late.
        assertThat(outcome(answer(id, "alice", "cred-1", true, "42", NOW, 3))).isEqualTo("expired");
    }

    @Test
    void acceptedAnswerWritesTheResultAndKeepsALongerTtl() {
        String id = challenge();
        redis.key(String.class).pexpire(ChallengeStore.key(id), Duration.ofMillis(RETENTION * 2));

        Response reply = answer(id, "alice", "cred-2", true, "", NOW, 3);

        assertThat(outcome(reply)).isEqualTo("ok");
        assertThat(RedisReplies.fields(reply.get(1))).containsEntry("state", "approved")
                .containsEntry("credentialId", "cred-2").containsEntry("evt:2:challenge.approved", Long.toString(NOW));
        assertThat(redis.key(String.class).pttl(ChallengeStore.key(id))).isGreaterThan(RETENTION);
    }

    // --- qr/claim.lua --------------------------------------------------------------------------------

    private Response claim(String challengeId, String userId, String credentialId, long now) {
        return run("qr/claim", ChallengeStore.key(challengeId), TENANT, userId, credentialId, Long.toString(now),
                Long.toString(RETENTION));
    }

    private String qrChallenge(Map<String, String> overrides) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("kind", "qr-code");
        fields.put("userId", null);
        fields.put("targets", "");
        fields.putAll(overrides);
        return challenge(fields);
    }

    @Test
    void claimTwiceIsRefusedAsAnsweredWhoeverClaimsAgain() {
        String id = qrChallenge(Map.of());

        assertThat(outcome(claim(id, "alice", "qr-1", NOW))).isEqualTo("ok");
        Map<String, String> claimed = stored(id);
        assertThat(claimed).containsEntry("userId", "alice").containsEntry("targets", "qr-1")
                .containsEntry("credentialId", "qr-1").containsEntry("version", "2")
                .containsEntry("evt:2:challenge.claimed", Long.toString(NOW));

        assertThat(outcome(claim(id, "alice", "qr-1", NOW))).isEqualTo("answered");
        assertThat(outcome(claim(id, "bob", "qr-2", NOW))).isEqualTo("answered");
        assertThat(stored(id)).isEqualTo(claimed);
    }

    @Test
    void claimOfAChallengeBoundToAnotherUserIsNotFound() {
        String id = qrChallenge(Map.of("userId", "alice"));

        assertThat(outcome(claim(id, "bob", "qr-2", NOW))).isEqualTo("not_found");
        assertThat(stored(id)).doesNotContainKey("credentialId").containsEntry("version", "1");
        assertThat(outcome(claim(id, "alice", "qr-1", NOW))).isEqualTo("ok");
    }

    @Test
    void claimOfAPushChallengeOrOfAnotherTenantsIsNotFound() {
        String push = challenge();
        String otherTenant = qrChallenge(Map.of("tenantId", "another-tenant"));

        assertThat(outcome(claim(push, "alice", "cred-1", NOW))).isEqualTo("not_found");
        assertThat(outcome(claim(otherTenant, "alice", "qr-1", NOW))).isEqualTo("not_found");
    }

    @Test
    void claimPastTheDeadlineOrOfAnEndedChallengeIsExpired() {
        String late = qrChallenge(Map.of());
        String expired = qrChallenge(Map.of("state", "expired"));

        assertThat(outcome(claim(late, "alice", "qr-1", NOW + 60_000))).isEqualTo("expired");
        assertThat(outcome(claim(expired, "alice", "qr-1", NOW))).isEqualTo("expired");
        assertThat(stored(late)).doesNotContainKey("credentialId");
    }

    @Test
    void claimedChallengeIsAnsweredOnlyByTheClaimingCredential() {
        String id = qrChallenge(Map.of());
        claim(id, "alice", "qr-1", NOW);

        assertThat(outcome(answer(id, "alice", "qr-9", true, "", NOW, Integer.MAX_VALUE))).isEqualTo("not_found");
        assertThat(outcome(answer(id, "alice", "qr-1", true, "", NOW, Integer.MAX_VALUE))).isEqualTo("ok");
    }

    // --- inapp/verify.lua ----------------------------------------------------------------------------

    private Response verify(String challengeId, String actionCode, long now) {
        return run("inapp/verify", ChallengeStore.key(challengeId), TENANT, "alice", "app-1", actionCode, "key-1",
                Long.toString(now), Long.toString(RETENTION));
    }

    @Test
    void inAppVerificationApprovesOnceThenIsRefusedAsAnswered() {
        String id = challenge(Map.of("kind", "in-app", "userId", "", "targets", "", "actionCode", ""));

        assertThat(outcome(verify(id, "payment", NOW))).isEqualTo("ok");
        assertThat(stored(id)).containsEntry("state", "approved").containsEntry("userId", "alice")
                .containsEntry("credentialId", "app-1").containsEntry("actionCode", "payment")
                .containsEntry("idempotencyKey", "key-1").containsEntry("evt:2:challenge.approved", Long.toString(NOW));
        assertThat(outcome(verify(id, "payment", NOW))).isEqualTo("answered");
    }

    @Test
    void inAppVerificationOfAnotherKindLateOrEndedIsRefused() {
        String push = challenge();
        String late = challenge(Map.of("kind", "in-app"));
        String burned = challenge(Map.of("kind", "in-app", "state", "burned"));

        assertThat(outcome(verify(push, "", NOW))).isEqualTo("not_found");
        assertThat(outcome(verify(late, "", NOW + 60_000))).isEqualTo("expired");
        assertThat(outcome(verify(burned, "", NOW))).isEqualTo("expired");
        assertThat(stored(late)).containsEntry("state", "pending");
    }

    // --- lifecycle/expire.lua, replace-pending.lua, supersede.lua, ack.lua, outbox-*.lua --------------------------------------

    private String expire(String challengeId, long now) {
        return outcome(run("lifecycle/expire", ChallengeStore.key(challengeId), Long.toString(now),
                Long.toString(RETENTION)));
    }

    @Test
    void expiryLeavesOpenAnsweredAndAlreadyExpiredChallengesAsTheyAre() {
        String open = challenge();
        String answered = challenge(Map.of("state", "rejected"));

        assertThat(expire(open, NOW)).isEqualTo("open");
        assertThat(expire(answered, NOW + 60_000)).isEqualTo("ended");
        assertThat(expire(UUID.randomUUID().toString(), NOW)).isEqualTo("missing");
        assertThat(stored(open)).containsEntry("state", "pending");

        assertThat(expire(open, NOW + 60_000)).isEqualTo("expired");
        assertThat(stored(open)).containsEntry("state", "expired").containsEntry("version", "2")
                .containsEntry("evt:2:challenge.expired", Long.toString(NOW + 60_000));
        assertThat(expire(open, NOW + 60_000)).isEqualTo("already");
        assertThat(stored(open)).containsEntry("version", "2");
    }

    @Test
    void replacePendingKeepsOnlyTheNewChallengeAndAnswersTheDisplacedOnes() {
        String index = PendingIndex.key(TENANT, UUID.randomUUID().toString());

        Response first = run("lifecycle/replace-pending", index, Long.toString(NOW), "c-1", Long.toString(NOW + 5000),
                "60000");
        assertThat(RedisReplies.strings(first)).isEmpty();
        redis.sortedSet(String.class).zadd(index, NOW + 7000, "c-2");
        Response third = run("lifecycle/replace-pending", index, Long.toString(NOW), "c-3", Long.toString(NOW + 9000),
                "60000");

        assertThat(RedisReplies.strings(third)).containsExactly("c-1", "c-2");
        assertThat(redis.sortedSet(String.class).zrange(index, 0, -1)).containsExactly("c-3");
        assertThat(redis.key(String.class).pttl(index)).isBetween(55_000L, 60_000L);
        // Past its deadline an entry is dropped, not displaced (the sweeper ends it); replacing a
        // challenge with itself displaces nothing.
        assertThat(RedisReplies.strings(run("lifecycle/replace-pending", index, Long.toString(NOW + 9000), "c-4",
                Long.toString(NOW + 20_000), "60000"))).isEmpty();
        assertThat(RedisReplies.strings(run("lifecycle/replace-pending", index, Long.toString(NOW + 9000), "c-4",
                Long.toString(NOW + 20_000), "60000"))).isEmpty();
        assertThat(redis.sortedSet(String.class).zrange(index, 0, -1)).containsExactly("c-4");
    }

    private String supersede(String challengeId, long now) {
        return outcome(run("lifecycle/supersede", ChallengeStore.key(challengeId), "c-new", Long.toString(now),
                Long.toString(RETENTION)));
    }

    @Test
    void supersedeEndsAPendingChallengeOnceAndLeavesEndedOnesAsTheyAre() {
        String pending = challenge();
        String approved = challenge(Map.of("state", "approved", "credentialId", "cred-1", "version", "2"));
        String expired = challenge(Map.of("state", "expired", "version", "2"));
        Map<String, String> approvedBefore = stored(approved);
        Map<String, String> expiredBefore = stored(expired);

        assertThat(supersede(UUID.randomUUID().toString(), NOW)).isEqualTo("missing");
        assertThat(supersede(pending, NOW)).isEqualTo("superseded");
        assertThat(stored(pending)).containsEntry("state", "superseded").containsEntry("version", "2")
                .containsEntry("supersededBy", "c-new").containsEntry("endedAt", Long.toString(NOW))
                .containsEntry("evt:2:challenge.superseded", Long.toString(NOW));
        assertThat(redis.key(String.class).pttl(ChallengeStore.key(pending))).isGreaterThan(RETENTION - 5000);

        Map<String, String> after = stored(pending);
        assertThat(supersede(pending, NOW + 1000)).isEqualTo("ended");
        assertThat(stored(pending)).isEqualTo(after);
        assertThat(supersede(approved, NOW)).isEqualTo("ended");
        assertThat(stored(approved)).isEqualTo(approvedBefore);
        assertThat(supersede(expired, NOW)).isEqualTo("ended");
        assertThat(stored(expired)).isEqualTo(expiredBefore);
    }

    @Test
    void acknowledgementOfAGoneChallengeAnswersMinusOneAndKeepsTheTtlWhileEventsArePending() {
        assertThat(run("lifecycle/ack", ChallengeStore.key(UUID.randomUUID().toString()), Long.toString(NOW),
                "600000", "evt:1:challenge.created").toInteger()).isEqualTo(-1);

        String id = challenge(Map.of("evt:1:challenge.created", Long.toString(NOW), "evt:1:push.requested",
                Long.toString(NOW)));
        long ttl = redis.key(String.class).pttl(ChallengeStore.key(id));

        assertThat(run("lifecycle/ack", ChallengeStore.key(id), Long.toString(NOW), "600000",
                "evt:1:challenge.created").toInteger()).isEqualTo(1);
        assertThat(redis.key(String.class).pttl(ChallengeStore.key(id))).isBetween(ttl - 5000, ttl);
    }

    @Test
    void acknowledgementOfASnapshotsEventsInOneCallEmptiesTheOutboxAndSetsTheRetention() {
        String id = challenge(Map.of("evt:1:challenge.created", Long.toString(NOW), "evt:1:push.requested",
                Long.toString(NOW)));

        assertThat(run("lifecycle/ack", ChallengeStore.key(id), Long.toString(NOW), "600000",
                "evt:1:challenge.created", "evt:1:push.requested").toInteger()).isZero();
        assertThat(redis.hash(String.class).hgetall(ChallengeStore.key(id)).keySet())
                .noneMatch(field -> field.startsWith("evt:"));
        // The deadline (NOW + 60 s) plus the retention, no longer the minute the test hash had.
        long before = System.currentTimeMillis();
        long ttl = redis.key(String.class).pttl(ChallengeStore.key(id));
        assertThat(ttl).isBetween(NOW + 660_000 - before - 5000, NOW + 660_000 - before);
    }

    @Test
    void outboxClaimOfAnEntryNotDueOrNotListedIsRefusedAndForgetNeedsTheSameScore() {
        String id = UUID.randomUUID().toString();
        List<String> index = List.of(OutboxStore.UNPUBLISHED, OutboxStore.TRACES);
        String score = run("lifecycle/outbox-mark", index, id, (NOW + 10_000) + ".5", "").toString();

        assertThat(run("lifecycle/outbox-claim", OutboxStore.UNPUBLISHED, id, Long.toString(NOW), NOW + 30_000 + ".25"))
                .isNull();
        assertThat(run("lifecycle/outbox-claim", OutboxStore.UNPUBLISHED, "not-listed", Long.toString(NOW),
                NOW + 30_000 + ".25")).isNull();
        assertThat(run("lifecycle/outbox-forget", index, id, "1.5").toInteger()).isZero();
        assertThat(redis.sortedSet(String.class).zscore(OutboxStore.UNPUBLISHED, id)).isPresent();

        assertThat(run("lifecycle/outbox-forget", index, id, score).toInteger()).isEqualTo(1);
        assertThat(redis.sortedSet(String.class).zscore(OutboxStore.UNPUBLISHED, id)).isEmpty();
    }

    @Test
    void outboxMarkKeepsTheLatestRequestTraceparentAndForgetDropsIt() {
        String id = UUID.randomUUID().toString();
        List<String> index = List.of(OutboxStore.UNPUBLISHED, OutboxStore.TRACES);
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        run("lifecycle/outbox-mark", index, id, (NOW + 10_000) + ".5", traceparent);
        assertThat(redis.hash(String.class).hget(OutboxStore.TRACES, id)).isEqualTo(traceparent);

        // A later transition outside any trace: the older request's context is not reused for it.
        String score = run("lifecycle/outbox-mark", index, id, (NOW + 20_000) + ".5", "").toString();
        assertThat(redis.hash(String.class).hget(OutboxStore.TRACES, id)).isNull();

        run("lifecycle/outbox-mark", index, id, score, traceparent);
        assertThat(run("lifecycle/outbox-forget", index, id, score).toInteger()).isEqualTo(1);
        assertThat(redis.hash(String.class).hget(OutboxStore.TRACES, id)).isNull();
    }

    // --- action, limits, replica, delivery ------------------------------------------------------------

    @Test
    void actionCompletionOfAMissingOrDecidedActionChangesNothing() {
        String key = ActionStore.key(TENANT, UUID.randomUUID().toString());
        assertThat(run("action/complete", key, "CHALLENGE_SUCCEEDED", Long.toString(NOW), "PUSH", "c-1").toString())
                .isEqualTo("missing");

        redis.hash(String.class).hset(key, Map.of("state", "CHALLENGE_FAILED"));

        assertThat(run("action/complete", key, "CHALLENGE_SUCCEEDED", Long.toString(NOW), "PUSH", "c-1").toString())
                .isEqualTo("CHALLENGE_FAILED");
        assertThat(redis.hash(String.class).hgetall(key)).containsOnly(Map.entry("state", "CHALLENGE_FAILED"));
    }

    @Test
    void reviewResultNeedsARequiredReviewAndBindKeepsTheFirstActionCode() {
        String key = ActionStore.key(TENANT, UUID.randomUUID().toString());
        redis.hash(String.class).hset(key, Map.of("state", "CHALLENGE_SUCCEEDED", "actionCode", ""));

        assertThat(run("action/review", key, "REVIEW_SUCCEEDED", Long.toString(NOW)).toString())
                .isEqualTo("CHALLENGE_SUCCEEDED");
        assertThat(run("action/bind", key, "payment").toString()).isEqualTo("payment");
        assertThat(run("action/bind", key, "signIn").toString()).isEqualTo("payment");
        assertThat(run("action/bind", ActionStore.key(TENANT, "missing-" + UUID.randomUUID()), "signIn")).isNull();
    }

    @Test
    void userGateRefusesDuringTheBackoffAndOnceTheBudgetIsSpent() {
        String user = UUID.randomUUID().toString();
        List<String> keys = List.of(InitiationBudgetStore.backoffKey(TENANT, user),
                InitiationBudgetStore.userBudgetKey(TENANT, user));

        assertThat(run("limits/user-gate", keys, Long.toString(NOW), "60000", "1", "m-1").get(2).toString())
                .isEqualTo("admitted");
        Response spent = run("limits/user-gate", keys, Long.toString(NOW + 1000), "60000", "1", "m-2");
        assertThat(spent.get(2).toString()).isEqualTo("budget");
        assertThat(spent.get(1).toLong()).isEqualTo(59_000);

        run("limits/rejected", keys.get(0), Long.toString(NOW), "30000", "900000", "3600000");
        Response backoff = run("limits/user-gate", keys, Long.toString(NOW + 1000), "60000", "5", "m-3");
        assertThat(backoff.get(2).toString()).isEqualTo("backoff");
        assertThat(backoff.get(1).toLong()).isEqualTo(29_000);
        assertThat(redis.sortedSet(String.class).zcard(keys.get(1))).isEqualTo(1);
    }

    @Test
    void approvalGivesBackItsOwnPlaceInTheUserBudgetAndEndsTheBackoff() {
        String user = UUID.randomUUID().toString();
        List<String> keys = List.of(InitiationBudgetStore.backoffKey(TENANT, user),
                InitiationBudgetStore.userBudgetKey(TENANT, user));
        run("limits/user-gate", keys, Long.toString(NOW), "60000", "2", "c-1");
        run("limits/user-gate", keys, Long.toString(NOW), "60000", "2", "c-2");
        run("limits/rejected", keys.get(0), Long.toString(NOW), "30000", "900000", "3600000");

        assertThat(run("limits/approved", keys, "c-2").toInteger()).isEqualTo(1);
        assertThat(redis.sortedSet(String.class).zrange(keys.get(1), 0, -1)).containsExactly("c-1");
        assertThat(redis.key(String.class).exists(keys.get(0))).isFalse();
        // A place already gone (out of the window, or given back before) is not given twice.
        assertThat(run("limits/approved", keys, "c-2").toInteger()).isZero();
        assertThat(redis.sortedSet(String.class).zrange(keys.get(1), 0, -1)).containsExactly("c-1");
    }

    @Test
    void olderReplicaChangesAndDeliveryResultsAreIgnored() {
        String user = UUID.randomUUID().toString();
        String index = KeyReplicaStore.userIndex(TENANT, user);
        assertThat(run("replica/apply-user", index, "c-1", "2", "0", "push", "").toInteger()).isEqualTo(1);
        assertThat(run("replica/apply-user", index, "c-1", "1", "1", "push", "").toInteger()).isZero();
        assertThat(redis.hash(String.class).hget(index, "c-1")).isEqualTo("2:0:push:");

        String results = ActionStore.key(TENANT, user) + ":deliveries";
        List<String> keys = List.of(results, ActionStore.key(TENANT, user));
        assertThat(run("delivery/record", keys, "c:apns:c-1", "2", "1", "{\"attempts\":2,\"rank\":1}", "1000")
                .toInteger()).isEqualTo(1);
        assertThat(run("delivery/record", keys, "c:apns:c-1", "2", "0", "{\"attempts\":2,\"rank\":0}", "1000")
                .toInteger()).isZero();
        assertThat(run("delivery/record", keys, "c:apns:c-1", "1", "1", "{\"attempts\":1,\"rank\":1}", "1000")
                .toInteger()).isZero();
    }

    // --- loading ---------------------------------------------------------------------------------------

    @Test
    void scriptForgottenByRedisIsLoadedAgainAndRuns() {
        RedisScript expire = RedisScript.load("lifecycle/expire");
        String id = challenge();
        assertThat(scripts.run(expire, ChallengeStore.key(id), Long.toString(NOW), Long.toString(RETENTION))
                .await().indefinitely().get(0).toString()).isEqualTo("open");
        assertThat(scriptExists(expire)).isTrue();

        redis.execute("SCRIPT", "FLUSH");
        assertThat(scriptExists(expire)).isFalse();

        assertThat(scripts.run(expire, ChallengeStore.key(id), Long.toString(NOW + 60_000), Long.toString(RETENTION))
                .await().indefinitely().get(0).toString()).isEqualTo("expired");
        assertThat(scriptExists(expire)).isTrue();
    }

    @Test
    void sharedPreludeIsPrependedOnceToEachScriptThatNeedsIt() {
        RedisScript answer = RedisScript.load("lifecycle/answer");
        RedisScript replace = RedisScript.load("lifecycle/replace-pending");
        RedisScript supersede = RedisScript.load("lifecycle/supersede");

        assertThat(countOf(answer.source(), "local function keep_at_least")).isEqualTo(1);
        assertThat(countOf(answer.source(), "keep_at_least(KEYS[1]")).isEqualTo(2);
        assertThat(answer.source()).doesNotContain("'PTTL', KEYS[1]");
        assertThat(replace.source()).doesNotContain("keep_at_least");
        assertThat(countOf(supersede.source(), "local function keep_at_least")).isEqualTo(1);
        assertThat(answer.sha1()).matches("[0-9a-f]{40}");
    }

    private boolean scriptExists(RedisScript script) {
        return redis.execute("SCRIPT", "EXISTS", script.sha1()).get(0).toInteger() == 1;
    }

    private static int countOf(String text, String part) {
        List<Integer> at = new ArrayList<>();
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            at.add(i);
        }
        return at.size();
    }
}
