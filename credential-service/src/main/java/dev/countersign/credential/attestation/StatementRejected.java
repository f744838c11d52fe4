package dev.countersign.credential.attestation;

/**
 * A vendor statement failed one of its checks; the message names the check (it becomes the
 * {@code errorDescription} under {@code enforce}, the recorded {@code failure} under {@code record}).
 */
public class StatementRejected extends Exception {

    public StatementRejected(String message) {
        super(message, null, false, false);
    }
}
