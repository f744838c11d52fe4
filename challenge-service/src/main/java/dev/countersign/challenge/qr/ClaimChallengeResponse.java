package dev.countersign.challenge.qr;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.countersign.challenge.qr.GeoLocator.Location;

/**
 * What the claiming device shows about the kiosk (docs/protocol/wire.md#37-qr-claim-a-challenge): {@code success} (required by both SDKs),
 * the kiosk's address and user agent, the action, and {@code location} when a GeoIP database is
 * configured and knows the address (docs/protocol/decisions.md#10-claim-binds-the-challenge). Absent values are left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClaimChallengeResponse(
        boolean success,
        String ipAddress,
        String userAgent,
        String actionCode,
        String idempotencyKey,
        Map<String, Object> custom,
        Location location) {
}
