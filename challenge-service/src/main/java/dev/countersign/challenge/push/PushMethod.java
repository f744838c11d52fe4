package dev.countersign.challenge.push;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.challenge.config.ChallengeConfig;
import dev.countersign.challenge.lifecycle.VerificationMethod;
import dev.countersign.common.credential.CredentialKind;

/** Push: the user's push credentials are targeted at initiation and one of them answers. */
@ApplicationScoped
public class PushMethod implements VerificationMethod {

    private final ChallengeConfig config;

    public PushMethod(ChallengeConfig config) {
        this.config = config;
    }

    @Override
    public String kind() {
        return CredentialKind.PUSH.wireName();
    }

    @Override
    public String actionVerificationMethod() {
        return CredentialKind.PUSH.verificationMethod();
    }

    @Override
    public Duration ttl() {
        return config.ttl().push();
    }

    @Override
    public Duration retention() {
        return config.push().retention();
    }
}
