package dev.countersign.credential;

import jakarta.inject.Singleton;

import dev.countersign.testkit.SettableClock;

/** The service's clock in tests (replaces common's default bean); see {@link SettableClock}. */
@Singleton
public class TestClock extends SettableClock {
}
