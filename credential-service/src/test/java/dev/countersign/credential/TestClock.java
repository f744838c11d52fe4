package dev.countersign.credential;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import jakarta.inject.Singleton;

/**
 * The service's clock in tests (replaces common's default bean): system time, optionally frozen at
 * an instant, so time-window tests move the clock rather than sleep or race a window boundary.
 */
@Singleton
public class TestClock extends Clock {

    private volatile Instant frozen;

    public void freezeAt(Instant instant) {
        frozen = instant;
    }

    public void reset() {
        frozen = null;
    }

    public void advance(Duration duration) {
        frozen = instant().plus(duration);
    }

    @Override
    public Instant instant() {
        Instant at = frozen;
        return at != null ? at : Instant.now();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
    }
}
