package dev.countersign.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import jakarta.inject.Singleton;

/**
 * A clock tests can freeze and move, so expiry and time windows are tested by moving time, never
 * by sleeping or racing a window boundary. System time until a test freezes it; a test that moves
 * it resets it afterwards. A bean in every service whose tests index testkit (it replaces common's
 * default {@code Clock} bean); tests inject it as {@code SettableClock}.
 */
@Singleton
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
