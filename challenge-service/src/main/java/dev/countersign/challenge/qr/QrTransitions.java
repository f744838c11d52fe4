package dev.countersign.challenge.qr;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.challenge.lifecycle.Answer;
import dev.countersign.challenge.lifecycle.ChallengeStore;
import dev.countersign.challenge.redis.RedisScript;
import dev.countersign.challenge.redis.RedisScripts;
import io.smallrye.mutiny.Uni;

/**
 * The QR challenge's own transition: the claim (docs/protocol/decisions.md#10-claim-binds-the-challenge), {@code redis/qr/claim.lua}. The
 * answer after it is the lifecycle's ({@code ChallengeAnswers}): the claim made the claiming
 * credential the challenge's only target.
 */
@ApplicationScoped
public class QrTransitions {

    private static final RedisScript CLAIM = RedisScript.load("qr/claim");

    private final RedisScripts scripts;

    public QrTransitions(RedisScripts scripts) {
        this.scripts = scripts;
    }

    /**
     * Binds an open QR challenge of the tenant to the claiming credential's user, once: a second
     * claim is {@code ALREADY_ANSWERED}, one bound to another user (by its track token) or not a QR
     * challenge {@code NOT_FOUND}, a late one {@code EXPIRED}.
     */
    public Uni<Answer> claim(String challengeId, String tenantId, String userId, String credentialId, Instant now,
            Duration outboxRetention) {
        return scripts.run(CLAIM, ChallengeStore.key(challengeId), tenantId, userId, credentialId,
                        Long.toString(now.toEpochMilli()), Long.toString(outboxRetention.toMillis()))
                .map(Answer::of);
    }
}
