package dev.countersign.bench.resources;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ResourceSamplerTest {

    @Test
    void rolesAreReadFromTheRunCommandsCommandLines() {
        assertThat(ResourceSampler.roleOf("java -jar /x/deploy/local/target/countersign-local-launcher.jar")).isEqualTo("launcher + edge");
        assertThat(ResourceSampler.roleOf("java -Xmx384m -jar /x/challenge-service/target/quarkus-app/quarkus-run.jar"))
                .isEqualTo("challenge-service");
        assertThat(ResourceSampler.roleOf("java @/tmp/r/infra/kafka/jvm.args dev.countersign.local.infra.KafkaBrokerMain"))
                .isEqualTo("kafka");
        assertThat(ResourceSampler.roleOf("/tmp/r/infra/redis/redis-server-6.2.6-v5-linux-amd64 127.0.0.1:4000"))
                .isEqualTo("redis-server");
        assertThat(ResourceSampler.roleOf("/root/.cache/countersign/postgres/PG-1/bin/postgres -D /tmp/r/infra/postgres"))
                .isEqualTo("postgres");
        assertThat(ResourceSampler.roleOf("postgres: countersign countersign 127.0.0.1(5000) idle")).isEqualTo("postgres");
    }

    @Test
    void cpuTimeSpentWhileSamplingAndThePeakResidentSetAreCounted() throws Exception {
        // This JVM stands in for a launcher: its own CPU time during the sampling must show.
        ResourceSampler sampler = ResourceSampler.forLauncher(Optional.of(ProcessHandle.current().pid())).orElseThrow();
        sampler.start();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[1 << 20];
        for (int i = 0; i < 400; i++) {
            sha.update(block);
            block[i % block.length] ^= sha.digest()[0];
        }
        sampler.stop();
        Map<String, ResourceSampler.Usage> usage = sampler.usageByRole();
        sampler.close();

        assertThat(usage).hasSize(1);
        ResourceSampler.Usage mine = usage.values().iterator().next();
        assertThat(mine.cpuSeconds()).isPositive();
        assertThat(mine.peakRssKb()).isPositive();
        assertThat(sampler.report("test", 10)).contains("| **total** | 1 |");
    }
}
