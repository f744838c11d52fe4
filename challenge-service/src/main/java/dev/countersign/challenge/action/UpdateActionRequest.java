package dev.countersign.challenge.action;

/** {@code PATCH …/actions/{action}/{idempotencyKey}} (§5.4): the node SDK's {@code ActionAttributes}. */
public record UpdateActionRequest(String state) {
}
