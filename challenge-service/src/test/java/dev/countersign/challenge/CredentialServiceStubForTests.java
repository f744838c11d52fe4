package dev.countersign.challenge;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/** Every {@code @QuarkusTest} of this module reads through to the stub, never to a real credential-service. */
@WithTestResource(value = CredentialServiceStub.class, scope = TestResourceScope.GLOBAL)
public final class CredentialServiceStubForTests {

    private CredentialServiceStubForTests() {
    }
}
