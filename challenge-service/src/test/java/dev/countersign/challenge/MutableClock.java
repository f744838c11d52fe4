package dev.countersign.challenge;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import dev.countersign.testkit.SettableClock;

/** The service's clock in tests (wins over common's default bean); see {@link SettableClock}. */
@Alternative
@Priority(1)
@Singleton
public class MutableClock extends SettableClock {
}
