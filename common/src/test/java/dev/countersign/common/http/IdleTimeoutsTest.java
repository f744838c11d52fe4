package dev.countersign.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class IdleTimeoutsTest {

    @Test
    void servicesCloseIdleConnectionsAfterAMinuteNotQuarkusHalfHour() {
        assertThat(IdleTimeouts.service()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void clientsGiveUpIdleConnectionsBeforeTheServicesDo() {
        assertThat(IdleTimeouts.clientKeepAlive()).isLessThan(IdleTimeouts.service()).isPositive();
    }
}
