package dev.countersign.challenge;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

/**
 * The service's clock in tests (wins over common's default bean): system time unless a test
 * freezes it, so window and back-off tests move the clock instead of sleeping. A test that
 * freezes it resets it afterwards; other tests in the same application see system time.
 */
@Alternative
@Priority(1)
@Singleton
public class MutableClock extends Clock {

    private volatile Instant frozen;

    public void freezeAt(Instant instant) {
        frozen = instant;
    }

    /** Freezes the clock at the current time (if it is not frozen yet) and moves it forward. */
    public void advance(Duration duration) {
        frozen = instant().plus(duration);
    }

    public void reset() {
        frozen = null;
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
