package dev.countersign.challenge.action;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Number matching's two-digit codes (docs/protocol/decisions.md#12-number-matching): 10 to 99, so none reads as a single digit. */
public final class VerificationCodes {

    private static final SecureRandom RANDOM = new SecureRandom();

    private VerificationCodes() {
    }

    public static String newCode() {
        return Integer.toString(10 + RANDOM.nextInt(90));
    }

    /** Three distinct codes, the right one among them, in random order. */
    public static List<String> choices(String right) {
        Set<String> codes = new LinkedHashSet<>();
        codes.add(right);
        while (codes.size() < 3) {
            codes.add(newCode());
        }
        List<String> shuffled = new ArrayList<>(codes);
        Collections.shuffle(shuffled, RANDOM);
        return shuffled;
    }
}
