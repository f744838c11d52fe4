package dev.countersign.notifier.kiosk.client;

/**
 * challenge-service refused a call made for a socket (its JSON error, passed on to the kiosk), or
 * could not be reached ({@code status} 0, error {@code unavailable}).
 */
public class ChallengeServiceException extends RuntimeException {

    private final int status;
    private final String error;

    public ChallengeServiceException(int status, String error, String description) {
        super(description);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }
}
