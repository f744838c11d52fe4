package dev.countersign.challenge.push;

import java.util.List;

/**
 * The created push challenge and the authenticators it went to (§4.1, decisions §13): delivery is
 * queued, so no {@code errorCode} here; outcomes arrive later as events.
 */
public record PushChallengeResponse(String challengeId, List<DeliveryResult> deliveryResults) {

    public record DeliveryResult(String userAuthenticatorId) {
    }
}
