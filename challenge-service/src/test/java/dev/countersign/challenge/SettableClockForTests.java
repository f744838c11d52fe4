package dev.countersign.challenge;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.countersign.testkit.SettableClock;

/**
 * The service's clock in tests: testkit's {@link SettableClock}, which replaces common's default
 * {@code Clock} bean; tests inject it as {@code SettableClock} to freeze and move it.
 */
@Singleton
public class SettableClockForTests {

    @Produces
    @Singleton
    SettableClock clock() {
        return new SettableClock();
    }
}
