package dev.countersign.challenge.qr;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.challenge.config.ChallengeConfig;
import dev.countersign.challenge.lifecycle.VerificationMethod;
import dev.countersign.common.credential.CredentialKind;

/** QR code: a kiosk shows the challenge, a QR-code credential claims it and then answers it. */
@ApplicationScoped
public class QrMethod implements VerificationMethod {

    private final ChallengeConfig config;

    public QrMethod(ChallengeConfig config) {
        this.config = config;
    }

    @Override
    public String kind() {
        return CredentialKind.QR_CODE.wireName();
    }

    @Override
    public String actionVerificationMethod() {
        return CredentialKind.QR_CODE.verificationMethod();
    }

    @Override
    public Duration ttl() {
        return config.ttl().qrCode();
    }

    @Override
    public Duration retention() {
        return config.qrCode().retention();
    }
}
