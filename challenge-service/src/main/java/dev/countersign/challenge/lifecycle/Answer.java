package dev.countersign.challenge.lifecycle;

import java.time.Instant;
import java.util.Optional;

import dev.countersign.challenge.metrics.ChallengeMetrics;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import io.vertx.mutiny.redis.client.Response;

/**
 * What a transition script answered: the outcome; the challenge after the change when there was
 * one; tries left after a wrong code.
 */
public record Answer(Outcome outcome, Optional<Snapshot> challenge, int triesLeft) {

    public enum Outcome {
        ACCEPTED,
        /** Another user's challenge, one not targeting the credential, or none at all. */
        NOT_FOUND,
        ALREADY_ANSWERED,
        /** Past its deadline, expired, burned or superseded. */
        EXPIRED,
        CODE_REQUIRED,
        WRONG_CODE,
        /** This wrong code was the last one allowed: the challenge is burned now. */
        BURNED
    }

    /**
     * The error a refused transition answers, the same for every method; {@code already} says what
     * ALREADY_ANSWERED means for this transition ("The challenge was already claimed").
     */
    public ApiException refusal(String already) {
        return switch (outcome) {
            case ALREADY_ANSWERED -> new ApiException(ErrorCode.CHALLENGE_ALREADY_ANSWERED, already);
            case EXPIRED, BURNED -> expired();
            case WRONG_CODE -> new ApiException(ErrorCode.INVALID_REQUEST, "Wrong verificationCode; "
                    + triesLeft + (triesLeft == 1 ? " try" : " tries") + " left");
            case CODE_REQUIRED -> new ApiException(ErrorCode.INVALID_REQUEST,
                    "This challenge requires a verificationCode to approve");
            case NOT_FOUND -> new ApiException(ErrorCode.NOT_FOUND, "No such challenge");
            case ACCEPTED -> throw new IllegalStateException("An accepted transition is not refused");
        };
    }

    /** Counts and audits the challenge as ended when this script ended it (approved, rejected or burned). */
    public void ended(ChallengeMetrics metrics, Instant now) {
        if (outcome == Outcome.ACCEPTED || outcome == Outcome.BURNED) {
            challenge.map(Snapshot::challenge).filter(after -> after.state() != ChallengeState.PENDING)
                    .ifPresent(after -> {
                        metrics.ended(after, now);
                        ChallengeAudit.ended(after);
                    });
        }
    }

    /** A challenge past its deadline, expired, burned or superseded: 410. */
    public static ApiException expired() {
        return new ApiException(ErrorCode.CHALLENGE_EXPIRED, "The challenge has expired");
    }

    /**
     * The reply of a script that binds or decides a challenge ({@code lifecycle/answer.lua},
     * {@code qr/claim.lua}, {@code inapp/verify.lua}): {@code {'ok', fields}} or a refusal.
     */
    public static Answer of(Response reply) {
        return switch (reply.get(0).toString()) {
            case "ok" -> new Answer(Outcome.ACCEPTED, Optional.of(ChallengeStore.snapshot(reply.get(1))), 0);
            case "burned" -> new Answer(Outcome.BURNED, Optional.of(ChallengeStore.snapshot(reply.get(1))), 0);
            case "wrong_code" -> new Answer(Outcome.WRONG_CODE, Optional.empty(),
                    Integer.parseInt(reply.get(1).toString()));
            case "code_required" -> new Answer(Outcome.CODE_REQUIRED, Optional.empty(), 0);
            case "answered" -> new Answer(Outcome.ALREADY_ANSWERED, Optional.empty(), 0);
            case "expired" -> new Answer(Outcome.EXPIRED, Optional.empty(), 0);
            default -> new Answer(Outcome.NOT_FOUND, Optional.empty(), 0);
        };
    }
}
