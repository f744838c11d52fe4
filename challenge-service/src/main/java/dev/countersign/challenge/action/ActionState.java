package dev.countersign.challenge.action;

import java.util.Optional;

/** {@code UserActionState} of the wire protocol (docs/protocol/wire.md#52-action-states). */
public enum ActionState {
    ALLOW,
    BLOCK,
    CHALLENGE_REQUIRED,
    CHALLENGE_SUCCEEDED,
    CHALLENGE_FAILED,
    REVIEW_REQUIRED,
    REVIEW_SUCCEEDED,
    REVIEW_FAILED;

    /** The states a tenant may configure as an action's track outcome (docs/protocol/decisions.md#2-track-state). */
    public boolean isTrackOutcome() {
        return this == ALLOW || this == BLOCK || this == CHALLENGE_REQUIRED;
    }

    public static Optional<ActionState> parse(String name) {
        for (ActionState state : values()) {
            if (state.name().equals(name)) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }
}
