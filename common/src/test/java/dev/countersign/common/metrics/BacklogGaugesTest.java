package dev.countersign.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class BacklogGaugesTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final BacklogGauges gauges = new BacklogGauges(meters, "test.outbox", "entries", "oldest.age", "age",
            Duration.ofSeconds(60), "test-outbox");

    @Test
    void anOutboxIsDegradedOnlyOnceItsOldestEntryIsPastTheThreshold() {
        gauges.read(3, 60);
        assertThat(gauges.state()).isEqualTo(BacklogGauges.OK);
        assertThat(degraded()).isZero();

        gauges.read(3, 61);
        assertThat(gauges.state()).isEqualTo(BacklogGauges.DEGRADED);
        assertThat(degraded()).isEqualTo(1);

        gauges.read(0, 0);
        assertThat(gauges.state()).isEqualTo(BacklogGauges.OK);
        assertThat(degraded()).isZero();
    }

    @Test
    void anUnreadableOutboxIsNeitherHealthyNorDegraded() {
        assertThat(gauges.state()).as("before the first read").isEqualTo(BacklogGauges.UNKNOWN);
        gauges.read(5, 600);
        gauges.unreadable();
        assertThat(gauges.state()).isEqualTo(BacklogGauges.UNKNOWN);
        assertThat(degraded()).isNaN();
        assertThat(meters.get("test.outbox.backlog").gauge().value()).isNaN();
    }

    private double degraded() {
        return meters.get("test.outbox.degraded").gauge().value();
    }
}
