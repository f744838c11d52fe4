package dev.countersign.challenge.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.challenge.metrics.ChallengeMetrics;
import dev.countersign.challenge.redis.RedisScript;
import dev.countersign.challenge.redis.RedisScripts;
import io.smallrye.mutiny.Uni;

/**
 * A device's approval or rejection of a challenge that targets its credential, shared by the
 * methods whose challenge names its credentials before the answer: push (targets chosen at
 * initiation, number matching when the action asked for it) and QR (the claiming credential, after
 * the claim). One script, {@code lifecycle/answer.lua}, decides atomically and records the event.
 */
@ApplicationScoped
public class ChallengeAnswers {

    private static final RedisScript ANSWER = RedisScript.load("lifecycle/answer");

    private final RedisScripts scripts;
    private final ChallengeMetrics metrics;

    public ChallengeAnswers(RedisScripts scripts, ChallengeMetrics metrics) {
        this.metrics = metrics;
        this.scripts = scripts;
    }

    /**
     * Runs the answer script: checks, in order, that the challenge is this user's and targets the
     * credential, is pending and before its deadline, and the verification code when an approval
     * needs one (the last allowed wrong code burns it); then writes the result.
     */
    public Uni<Answer> answer(String challengeId, String tenantId, String userId, String credentialId,
            boolean approved, Optional<String> verificationCode, Instant now, int maxWrongCodes,
            Duration outboxRetention) {
        return scripts.run(ANSWER, ChallengeStore.key(challengeId), tenantId, userId, credentialId,
                        approved ? "1" : "0", verificationCode.orElse(""), ChallengeStore.millis(now),
                        Integer.toString(maxWrongCodes), Long.toString(outboxRetention.toMillis()))
                .map(Answer::of)
                .invoke(answer -> answer.ended(metrics, now));
    }
}
