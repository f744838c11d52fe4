package dev.countersign.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class IdleTimeoutsTest {

    @Test
    void durationsAreReadAsQuarkusWritesThem() {
        assertThat(IdleTimeouts.parse("PT90S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(IdleTimeouts.parse("45")).isEqualTo(Duration.ofSeconds(45));
        assertThat(IdleTimeouts.parse("60s")).isEqualTo(Duration.ofSeconds(60));
        assertThat(IdleTimeouts.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void servicesCloseIdleConnectionsAfterAMinuteNotQuarkusHalfHour() {
        assertThat(IdleTimeouts.service()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void clientsGiveUpIdleConnectionsBeforeTheServicesDo() {
        assertThat(IdleTimeouts.clientKeepAlive()).isLessThan(IdleTimeouts.service()).isPositive();
    }
}
