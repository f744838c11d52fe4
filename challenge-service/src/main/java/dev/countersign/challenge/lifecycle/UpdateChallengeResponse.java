package dev.countersign.challenge.lifecycle;

import com.fasterxml.jackson.annotation.JsonProperty;

/** iOS requires {@code isVerified} (§3.6): true for an accepted approval, false for an accepted rejection (decisions §6). */
public record UpdateChallengeResponse(@JsonProperty("isVerified") boolean isVerified) {
}
