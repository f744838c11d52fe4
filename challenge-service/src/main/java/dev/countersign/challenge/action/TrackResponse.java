package dev.countersign.challenge.action;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Track's answer (docs/protocol/wire.md#51-track-an-action, docs/protocol/decisions.md#2-track-state); {@code token} is absent when the action is blocked;
 * {@code verificationCode} only when number matching was asked for (docs/protocol/decisions.md#12-number-matching).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrackResponse(
        String state,
        String idempotencyKey,
        String token,
        @JsonProperty("isEnrolled") boolean isEnrolled,
        List<String> enrolledVerificationMethods,
        List<String> allowedVerificationMethods,
        String defaultVerificationMethod,
        List<String> ruleIds,
        String verificationCode) {
}
