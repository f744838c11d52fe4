package dev.countersign.notifier.delivery.webhook;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.common.json.WireTime;

/**
 * The {@code push.created} webhook body of docs/protocol/wire.md#57-the-pushcreated-webhook. Built once per event, so every retry sends
 * the same bytes: the id is derived from the {@code push.requested} event id and {@code time} is
 * the event's, which lets a receiver deduplicate by {@code id}. Absent optional fields are omitted,
 * not null.
 */
public final class WebhookEnvelope {

    public static final String TYPE = "push.created";

    private WebhookEnvelope() {
    }

    /** Stable per {@code push.requested} event: a redelivery after a crash carries the same id. */
    public static String webhookId(String eventId) {
        return UUID.nameUUIDFromBytes((TYPE + "/" + eventId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    public static byte[] body(ObjectMapper json, String source, ChallengeEvent event) {
        ObjectNode root = json.createObjectNode();
        root.put("version", 1);
        root.put("id", webhookId(event.eventId()));
        root.put("source", source);
        root.put("time", WireTime.format(event.occurredAt()));
        root.put("tenantId", event.tenantId());
        root.put("type", TYPE);
        ObjectNode data = root.putObject("data");
        data.put("challengeId", event.challengeId());
        data.put("userId", event.userId());
        data.put("idempotencyKey", event.idempotencyKey());
        data.put("actionCode", event.actionCode());
        if (event.userAgent() != null) {
            data.put("userAgent", event.userAgent());
        }
        if (event.ipAddress() != null) {
            data.put("ipAddress", event.ipAddress());
        }
        try {
            return json.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the webhook body", e);
        }
    }
}
