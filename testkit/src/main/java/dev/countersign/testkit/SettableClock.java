package dev.countersign.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock tests can freeze and move, so expiry and time windows are tested by moving time, never
 * by sleeping or racing a window boundary. System time until a test freezes it; a test that moves
 * it resets it afterwards. Each service module declares it as its {@code Clock} bean in a one-line
 * subclass (replacing common's default bean).
 */
public class SettableClock extends Clock {

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
