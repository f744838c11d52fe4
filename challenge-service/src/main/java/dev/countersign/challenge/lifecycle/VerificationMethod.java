package dev.countersign.challenge.lifecycle;

import java.time.Duration;

/**
 * A way a challenge is verified, the seam between the shared lifecycle (this package: the challenge
 * hash, its events and outbox, the sweeper) and the methods over it: push, QR code and in-app, one
 * package each, each with one bean implementing this. A fourth method (passkeys, say) is a new
 * package with such a bean, its service and resources, and its own transition scripts under
 * {@code src/main/resources/redis/<method>/}; the lifecycle takes its challenges as they are (see
 * {@code docs/architecture.md}, "Adding a verification method").
 */
public interface VerificationMethod {

    /** The challenge's {@code kind} (hash field, events, notifier): the credential kind's wire name. */
    String kind();

    /** The action's {@code verificationMethod} once a challenge of this method decided it. */
    String actionVerificationMethod();

    /** How long a challenge may be answered. */
    Duration ttl();

    /**
     * How long a challenge stays readable after its deadline (its hash's TTL beyond it, once its
     * events are published), so its last polls still see the outcome.
     */
    Duration retention();
}
