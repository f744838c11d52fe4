package dev.countersign.challenge;

import java.util.List;

import dev.countersign.testkit.ServiceConventionsTestBase;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ChallengeServiceConventionsTest extends ServiceConventionsTestBase {

    @Override
    protected String serviceName() {
        return "challenge-service";
    }

    @Override
    protected List<String> readinessChecks() {
        return List.of("Kafka connection health check", "Redis connection health check");
    }
}
