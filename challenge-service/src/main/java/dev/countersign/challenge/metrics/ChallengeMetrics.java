package dev.countersign.challenge.metrics;

import dev.countersign.challenge.lifecycle.Challenge;
import dev.countersign.challenge.lifecycle.ChallengeState;
import dev.countersign.common.credential.CredentialKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * challenge-service's domain metrics (docs/observability.md). Every label value comes from a small
 * set the code fixes (method, outcome, reason, result): never a user, tenant, token or challenge id,
 * so the series stay few. Callers count where the atomic script said the change happened, so one
 * challenge is counted once whatever the retries and replicas.
 */
@Startup
@ApplicationScoped
public class ChallengeMetrics {

    private final MeterRegistry meters;

    public ChallengeMetrics(MeterRegistry meters) {
        this.meters = meters;
        preregister();
    }

    /**
     * Every series at zero from the start: a dashboard or alert then finds the metric before its
     * first event, and {@code rate()} sees the first one as an increase.
     */
    private void preregister() {
        for (CredentialKind kind : CredentialKind.values()) {
            String method = kind.wireName();
            Counter.builder("countersign.challenges.created").description("Challenges created")
                    .tag("method", method).register(meters);
            for (ChallengeState state : ChallengeState.values()) {
                if (state != ChallengeState.PENDING) {
                    Counter.builder("countersign.challenges.ended").description("Challenges ended, by how")
                            .tag("method", method).tag("outcome", state.stored()).register(meters);
                }
                if (answered(state)) {
                    answerTimer(method, state.stored());
                }
            }
            for (String reason : List.of("user", "address", "backoff")) {
                Counter.builder("countersign.limit.refusals").description("Initiations refused by a budget")
                        .tag("method", method).tag("reason", reason).register(meters);
            }
        }
        for (String result : List.of("valid", "invalid", "invalid_token", "expired_token")) {
            Counter.builder("countersign.token.validations").description("Token validations, by result")
                    .tag("result", result).register(meters);
        }
        for (String lookup : List.of("key", "user")) {
            Counter.builder("countersign.key.replica.read.throughs")
                    .description("Key replica lookups that asked credential-service")
                    .tag("lookup", lookup).register(meters);
        }
    }

    private static boolean answered(ChallengeState state) {
        return state == ChallengeState.APPROVED || state == ChallengeState.REJECTED || state == ChallengeState.BURNED;
    }

    private Timer answerTimer(String method, String outcome) {
        return Timer.builder("countersign.challenge.answer").description("From a challenge's creation to its answer")
                .tag("method", method).tag("outcome", outcome)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(500))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(meters);
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
        if (answered(after.state())) {
            answerTimer(after.kind(), outcome).record(Duration.between(after.createdAt(), now).abs());
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
