package dev.countersign.challenge.action;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.countersign.challenge.delivery.DeliveryResultStore;

/**
 * Get action (docs/protocol/wire.md#54-get-update-and-query-actions). No rules engine yet, so {@code rules} and {@code ruleIds} are empty.
 * {@code deliveries} (Countersign's addition, omitted when none): the push notification's delivery
 * results, one per challenge, channel and device (docs/notifier-service.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ActionResponse(
        String state,
        String stateUpdatedAt,
        String createdAt,
        String verificationMethod,
        List<Object> rules,
        List<String> ruleIds,
        List<DeliveryResultStore.Result> deliveries) {
}
