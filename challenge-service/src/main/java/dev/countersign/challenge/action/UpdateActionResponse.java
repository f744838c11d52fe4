package dev.countersign.challenge.action;

/** The action's attributes after the update ({@code ActionAttributes} of @authsignal/node), plus when. */
public record UpdateActionResponse(String state, String stateUpdatedAt) {
}
