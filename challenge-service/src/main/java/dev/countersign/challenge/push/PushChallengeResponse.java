package dev.countersign.challenge.push;

import java.util.List;

/**
 * The created push challenge and the authenticators it went to (docs/protocol/wire.md#41-push-from-the-browser, docs/protocol/decisions.md#13-pushcreated-webhook): delivery is
 * queued, so no {@code errorCode} here; outcomes arrive later as events.
 */
public record PushChallengeResponse(String challengeId, List<DeliveryResult> deliveryResults) {

    public record DeliveryResult(String userAuthenticatorId) {
    }
}
