package dev.countersign.challenge.action;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Track's answer (§5.1, decisions §2); {@code token} is absent when the action is blocked;
 * {@code verificationCode} only when number matching was asked for (decisions §12).
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
