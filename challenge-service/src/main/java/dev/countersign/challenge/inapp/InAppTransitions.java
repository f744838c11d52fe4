package dev.countersign.challenge.inapp;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.challenge.lifecycle.Answer;
import dev.countersign.challenge.lifecycle.ChallengeStore;
import dev.countersign.challenge.metrics.ChallengeMetrics;
import dev.countersign.challenge.redis.RedisScript;
import dev.countersign.challenge.redis.RedisScripts;
import io.smallrye.mutiny.Uni;

/**
 * The in-app challenge's own transition (docs/protocol/wire.md#38-in-app-verify), {@code redis/inapp/verify.lua}: the challenge was
 * made without a user; the verifying credential's signature binds and approves it in one step.
 */
@ApplicationScoped
public class InAppTransitions {

    private static final RedisScript VERIFY = RedisScript.load("inapp/verify");

    private final RedisScripts scripts;
    private final ChallengeMetrics metrics;

    public InAppTransitions(RedisScripts scripts, ChallengeMetrics metrics) {
        this.metrics = metrics;
        this.scripts = scripts;
    }

    /**
     * Approves a pending, unexpired in-app challenge of this tenant, once: user, credential, action
     * ({@code actionCode} when given, else the challenge's) and idempotency key are written with the
     * state and its {@code challenge.approved} event. Outcomes as for {@code ChallengeAnswers}.
     */
    public Uni<Answer> verify(String challengeId, String tenantId, String userId, String credentialId,
            Optional<String> actionCode, String idempotencyKey, Instant now, Duration outboxRetention) {
        return scripts.run(VERIFY, ChallengeStore.key(challengeId), tenantId, userId, credentialId,
                        actionCode.orElse(""), idempotencyKey, Long.toString(now.toEpochMilli()),
                        Long.toString(outboxRetention.toMillis()))
                .map(Answer::of)
                .invoke(answer -> answer.ended(metrics, now));
    }
}
