package dev.countersign.challenge.push;

/** The browser's push initiation (§4.1): both fields optional; newer browsers add {@code userAuthenticatorId}. */
public record PushChallengeRequest(String action, String userAuthenticatorId) {

    static final PushChallengeRequest EMPTY = new PushChallengeRequest(null, null);
}
