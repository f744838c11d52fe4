package dev.countersign.credential;

import dev.countersign.testkit.RealInfrastructure;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * Every {@code @QuarkusTest} of this module runs on the real servers, started once for the run, and
 * with the fake challenge-service for the attestation nonce lookup.
 */
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ChallengeServiceStub.class, scope = TestResourceScope.GLOBAL)
public final class RealInfrastructureForTests {

    private RealInfrastructureForTests() {
    }
}
