package dev.countersign.challenge.lifecycle;

/** Where a challenge is in its life; every state but {@code PENDING} is final. */
public enum ChallengeState {
    PENDING,
    APPROVED,
    REJECTED,
    /** Its deadline passed while pending (marked by the sweeper). */
    EXPIRED,
    /** Too many wrong verification codes (docs/protocol/decisions.md#12-number-matching). */
    BURNED,
    /** A newer push challenge of the same user replaced it while pending (docs/protocol/decisions.md#26-a-new-push-supersedes-the-pending-ones). */
    SUPERSEDED;

    public String stored() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static ChallengeState fromStored(String value) {
        return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
}
