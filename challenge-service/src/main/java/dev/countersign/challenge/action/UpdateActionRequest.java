package dev.countersign.challenge.action;

/** {@code PATCH …/actions/{action}/{idempotencyKey}} (docs/protocol/wire.md#54-get-update-and-query-actions): the node SDK's {@code ActionAttributes}. */
public record UpdateActionRequest(String state) {
}
