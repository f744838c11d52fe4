package dev.countersign.challenge.rest;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Get action (§5.4). No rules engine yet, so {@code rules} and {@code ruleIds} are empty. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ActionResponse(
        String state,
        String stateUpdatedAt,
        String createdAt,
        String verificationMethod,
        List<Object> rules,
        List<String> ruleIds) {
}
