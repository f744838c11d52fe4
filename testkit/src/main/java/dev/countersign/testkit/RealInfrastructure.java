package dev.countersign.testkit;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.countersign.local.infra.FreePorts;
import dev.countersign.local.infra.InfrastructureEndpoints;
import dev.countersign.local.infra.InfrastructureSettings;
import dev.countersign.local.infra.LocalInfrastructure;
import dev.countersign.local.infra.RunDirectory;
import dev.countersign.local.launcher.DemoSecrets;
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
        Map<String, String> config = new LinkedHashMap<>(Map.of(
                "kafka.bootstrap.servers", endpoints.kafkaBootstrapServers(),
                "quarkus.redis.hosts", endpoints.redisUrl(),
                "quarkus.datasource.reactive.url", endpoints.postgres().reactiveUrl(),
                "quarkus.datasource.jdbc.url", endpoints.postgres().jdbcUrl(),
                "quarkus.datasource.username", endpoints.postgres().username(),
                "quarkus.datasource.password", endpoints.postgres().password()));
        config.putAll(TestTenants.configuration());
        // A fresh token key per run; every service gets both halves, so a test can mint tokens
        // (expired ones too) with the service's own TokenIssuer.
        DemoSecrets tokenKeys = DemoSecrets.generate(TestTenants.TENANT_ID);
        config.put("countersign.tokens.signing-key", tokenKeys.signingKeyPem());
        config.put("countersign.tokens.public-keys", tokenKeys.publicKeyPem());
        // /q/* on a free port of its own (Management), whether the test runs in this JVM or a packaged artifact.
        String managementPort = String.valueOf(FreePorts.pick());
        config.put("quarkus.management.port", managementPort);
        config.put(Management.PORT_PROPERTY, managementPort);
        System.setProperty(Management.PORT_PROPERTY, managementPort);
        // The PostgreSQL server's pid (it runs detached from this JVM), for tests that stall it (FrozenProcess).
        infrastructure.detachedPids().stream().findFirst()
                .ifPresent(pid -> System.setProperty(FrozenProcess.POSTGRES_PID_PROPERTY, Long.toString(pid)));
        // The packaged artifact runs in prod, where the test profile's fixed secret does not apply.
        config.put("countersign.internal.secret", TestTenants.INTERNAL_SECRET);
        return config;
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
