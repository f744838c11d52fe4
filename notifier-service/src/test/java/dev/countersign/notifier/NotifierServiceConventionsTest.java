package dev.countersign.notifier;

import java.util.List;

import dev.countersign.testkit.ServiceConventionsTestBase;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class NotifierServiceConventionsTest extends ServiceConventionsTestBase {

    @Override
    protected String serviceName() {
        return "notifier-service";
    }

    @Override
    protected List<String> readinessChecks() {
        return List.of("Kafka connection health check", "Kiosk challenge-events partitions");
    }
}
