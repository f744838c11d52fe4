package dev.countersign.challenge.lifecycle;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

/** Every {@link VerificationMethod} bean, found by the {@code kind} a stored challenge names. */
@ApplicationScoped
public class VerificationMethods {

    private final Instance<VerificationMethod> methods;

    public VerificationMethods(Instance<VerificationMethod> methods) {
        this.methods = methods;
    }

    public Optional<VerificationMethod> of(String kind) {
        return methods.stream().filter(method -> method.kind().equals(kind)).findFirst();
    }
}
