package dev.countersign.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

class FlowRecorderTest {

    @Test
    void percentilesAreNearestRankInMilliseconds() {
        List<Long> nanos = LongStream.rangeClosed(1, 100).map(ms -> ms * 1_000_000).boxed().toList();
        ObjectNode stats = FlowRecorder.percentiles(nanos);
        assertThat(stats.get("count").asInt()).isEqualTo(100);
        assertThat(stats.get("p50Ms").asDouble()).isEqualTo(50.0);
        assertThat(stats.get("p90Ms").asDouble()).isEqualTo(90.0);
        assertThat(stats.get("p99Ms").asDouble()).isEqualTo(99.0);
        assertThat(stats.get("maxMs").asDouble()).isEqualTo(100.0);
        assertThat(stats.get("meanMs").asDouble()).isEqualTo(50.5);
    }

    @Test
    void noTimesGiveACountOfZeroAndNoPercentiles() {
        ObjectNode stats = FlowRecorder.percentiles(List.of());
        assertThat(stats.get("count").asInt()).isZero();
        assertThat(stats.has("p50Ms")).isFalse();
    }
}
