package dev.countersign.testkit;

import java.util.Map;

import dev.countersign.local.infra.InfrastructureEndpoints;
import dev.countersign.local.infra.InfrastructureSettings;
import dev.countersign.local.infra.LocalInfrastructure;
import dev.countersign.local.infra.RunDirectory;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Real Kafka, PostgreSQL and Redis for {@code @QuarkusTest}s, from the same code as the run
 * command. Declared once per module with global scope, so it starts once per test run; its
 * addresses become the services' configuration (reactive and JDBC URLs: Flyway migrates over JDBC).
 */
public class RealInfrastructure implements QuarkusTestResourceLifecycleManager {

    private RunDirectory runDirectory;
    private LocalInfrastructure infrastructure;

    @Override
    public Map<String, String> start() {
        runDirectory = RunDirectory.create("countersign-test-");
        infrastructure = LocalInfrastructure.start(runDirectory.path(), InfrastructureSettings.fromEnvironment());
        InfrastructureEndpoints endpoints = infrastructure.endpoints();
        return Map.of(
                "kafka.bootstrap.servers", endpoints.kafkaBootstrapServers(),
                "quarkus.redis.hosts", endpoints.redisUrl(),
                "quarkus.datasource.reactive.url", endpoints.postgres().reactiveUrl(),
                "quarkus.datasource.jdbc.url", endpoints.postgres().jdbcUrl(),
                "quarkus.datasource.username", endpoints.postgres().username(),
                "quarkus.datasource.password", endpoints.postgres().password());
    }

    @Override
    public void stop() {
        if (infrastructure != null) {
            infrastructure.close();
        }
        if (runDirectory != null) {
            runDirectory.close();
        }
    }
}
