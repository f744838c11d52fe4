package dev.countersign.credential;

import java.util.List;

import dev.countersign.testkit.ServiceConventionsTestBase;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class CredentialServiceConventionsTest extends ServiceConventionsTestBase {

    @Override
    protected String serviceName() {
        return "credential-service";
    }

    @Override
    protected List<String> readinessChecks() {
        return List.of("Kafka connection health check", "Reactive PostgreSQL connections health check");
    }
}
