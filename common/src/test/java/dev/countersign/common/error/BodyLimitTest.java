package dev.countersign.common.error;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BodyLimitTest {

    @Test
    void sizesAreReadAsQuarkusWritesThem() {
        assertThat(BodyLimit.parse("512")).isEqualTo(512);
        assertThat(BodyLimit.parse("64K")).isEqualTo(65_536);
        assertThat(BodyLimit.parse("2m")).isEqualTo(2L << 20);
        assertThat(BodyLimit.parse("1G")).isEqualTo(1L << 30);
    }

    @Test
    void theLimitIsTheOneCommonConfiguresForEveryService() {
        assertThat(BodyLimit.maxBytes()).isEqualTo(65_536);
    }
}
