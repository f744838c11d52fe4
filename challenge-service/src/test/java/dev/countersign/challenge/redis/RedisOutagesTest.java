package dev.countersign.challenge.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.countersign.common.error.Outages;
import io.vertx.redis.client.impl.types.ErrorType;

/** What the Vert.x Redis client answers when Redis goes away counts as an outage; its command errors do not. */
class RedisOutagesTest {

    @Test
    void commandInFlightWhenRedisWentAwayThenAnOutage() {
        assertThat(Outages.isOutage(ErrorType.create("CONNECTION_CLOSED"))).isTrue();
        assertThat(Outages.isOutage(new RuntimeException(ErrorType.create("CONNECTION_CLOSED")))).isTrue();
        assertThat(Outages.isOutage(ErrorType.create("LOADING Redis is loading the dataset in memory"))).isTrue();
    }

    @Test
    void commandRefusedByARunningRedisThenNoOutage() {
        assertThat(Outages.isOutage(ErrorType.create("ERR unknown command 'FOO'"))).isFalse();
        assertThat(Outages.isOutage(ErrorType.create("NOSCRIPT No matching script"))).isFalse();
        assertThat(Outages.isOutage(ErrorType.create("WRONGTYPE Operation against a key"))).isFalse();
    }
}
