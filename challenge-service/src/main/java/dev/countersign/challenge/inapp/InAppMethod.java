package dev.countersign.challenge.inapp;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.challenge.config.ChallengeConfig;
import dev.countersign.challenge.lifecycle.VerificationMethod;
import dev.countersign.common.credential.CredentialKind;

/** In-app: the app asks for a challenge and its in-app credential signs it, binding and approving it. */
@ApplicationScoped
public class InAppMethod implements VerificationMethod {

    private final ChallengeConfig config;

    public InAppMethod(ChallengeConfig config) {
        this.config = config;
    }

    @Override
    public String kind() {
        return CredentialKind.IN_APP.wireName();
    }

    @Override
    public String actionVerificationMethod() {
        return CredentialKind.IN_APP.verificationMethod();
    }

    @Override
    public Duration ttl() {
        return config.ttl().inApp();
    }

    /** No setting of its own: an in-app challenge is kept as long as a push challenge. */
    @Override
    public Duration retention() {
        return config.push().retention();
    }
}
