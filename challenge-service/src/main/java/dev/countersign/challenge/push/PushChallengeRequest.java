package dev.countersign.challenge.push;

/** The browser's push initiation (docs/protocol/wire.md#41-push-from-the-browser): both fields optional; newer browsers add {@code userAuthenticatorId}. */
public record PushChallengeRequest(String action, String userAuthenticatorId) {

    static final PushChallengeRequest EMPTY = new PushChallengeRequest(null, null);
}
