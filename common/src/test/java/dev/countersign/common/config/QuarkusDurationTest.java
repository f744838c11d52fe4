package dev.countersign.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class QuarkusDurationTest {

    @Test
    void durationsAreReadAsQuarkusWritesThem() {
        assertThat(QuarkusDuration.parse("PT90S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(QuarkusDuration.parse("45")).isEqualTo(Duration.ofSeconds(45));
        assertThat(QuarkusDuration.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(QuarkusDuration.parse("60s")).isEqualTo(Duration.ofSeconds(60));
        assertThat(QuarkusDuration.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(QuarkusDuration.parse("1h")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void unknownUnitIsRefused() {
        assertThatThrownBy(() -> QuarkusDuration.parse("5w")).isInstanceOf(IllegalArgumentException.class);
    }
}
