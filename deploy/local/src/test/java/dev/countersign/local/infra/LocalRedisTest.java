package dev.countersign.local.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.Test;

class LocalRedisTest {

    @Test
    void execRaceWithAForkedChildIsRecognisedThroughTheCauseChain() {
        IOException busy = new IOException("Failed to start Redis service", new IOException(
                "Cannot run program \"/tmp/x/redis-server\"", new IOException("error=26, Text file busy")));
        assertThat(LocalRedis.isTextFileBusy(busy)).isTrue();
    }

    @Test
    void otherStartFailuresAreNotRetried() {
        assertThat(LocalRedis.isTextFileBusy(new IOException("Failed to start Redis service",
                new IOException("error=2, No such file or directory")))).isFalse();
        assertThat(LocalRedis.isTextFileBusy(new IOException((String) null))).isFalse();
    }
}
