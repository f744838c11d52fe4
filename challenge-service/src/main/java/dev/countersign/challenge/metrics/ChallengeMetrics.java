package dev.countersign.challenge.metrics;

import dev.countersign.challenge.lifecycle.Challenge;
import dev.countersign.challenge.lifecycle.ChallengeState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;

/**
 * challenge-service's domain metrics (docs/observability.md). Every label value comes from a small
 * set the code fixes (method, outcome, reason, result): never a user, tenant, token or challenge id,
 * so the series stay few. Callers count where the atomic script said the change happened, so one
 * challenge is counted once whatever the retries and replicas.
 */
@ApplicationScoped
public class ChallengeMetrics {

    private final MeterRegistry meters;

    public ChallengeMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** A challenge was stored. */
    public void created(Challenge challenge) {
        Counter.builder("countersign.challenges.created").description("Challenges created")
                .tag("method", challenge.kind()).register(meters).increment();
    }

    /**
     * A transition script ended the challenge ({@code after} is its state now); an answer also
     * records how long after its creation it came.
     */
    public void ended(Challenge after, Instant now) {
        String outcome = after.state().stored();
        Counter.builder("countersign.challenges.ended").description("Challenges ended, by how")
                .tag("method", after.kind()).tag("outcome", outcome).register(meters).increment();
        ChallengeState state = after.state();
        if (state == ChallengeState.APPROVED || state == ChallengeState.REJECTED || state == ChallengeState.BURNED) {
            Timer.builder("countersign.challenge.answer").description("From a challenge's creation to its answer")
                    .tag("method", after.kind()).tag("outcome", outcome)
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(500))
                    .maximumExpectedValue(Duration.ofMinutes(10))
                    .register(meters).record(Duration.between(after.createdAt(), now).abs());
        }
    }

    /** An initiation was refused by a budget; {@code reason}: user, address or backoff. */
    public void limitRefused(String method, String reason) {
        Counter.builder("countersign.limit.refusals").description("Initiations refused by a budget")
                .tag("method", method).tag("reason", reason).register(meters).increment();
    }

    /** A token was validated; {@code result}: valid, invalid or unknown. */
    public void tokenValidated(String result) {
        Counter.builder("countersign.token.validations").description("Token validations, by result")
                .tag("result", result).register(meters).increment();
    }

    /** A lookup asked credential-service; {@code lookup}: key or user. */
    public void replicaReadThrough(String lookup) {
        Counter.builder("countersign.key.replica.read.throughs")
                .description("Key replica lookups that asked credential-service")
                .tag("lookup", lookup).register(meters).increment();
    }

    /** The {@code credential-events} channel met an outage applying an event and will try it again. */
    public void replicaApplyRetried() {
        Counter.builder("countersign.key.replica.apply.retries")
                .description("Credential events the key replica's channel tries again because Redis is away")
                .register(meters).increment();
    }
}
