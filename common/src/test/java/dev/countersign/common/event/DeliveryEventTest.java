package dev.countersign.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The {@code delivery-events} record as the notifier writes it and challenge- and credential-service read it. */
class DeliveryEventTest {

    /** Configured as Quarkus configures the application's ObjectMapper, and strict about absent numbers and flags. */
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();

    @Test
    void deviceAttemptThenWrittenWithEveryFieldInOrderAndTheStatusInLowerCase() throws Exception {
        DeliveryEvent event = new DeliveryEvent("e-1", DeliveryEvent.TYPE, "t-1", "c-1", "p-1", "apns", List.of("cr-1"),
                2, DeliveryStatus.UNREGISTERED, 410, "Unregistered", true, Instant.parse("2026-11-30T01:00:01.500Z"),
                "cr-1", "k-1", "u-1", "ab".repeat(32));

        assertThat(JSON.writeValueAsString(event)).isEqualTo("{\"eventId\":\"e-1\",\"type\":\"delivery\","
                + "\"tenantId\":\"t-1\",\"challengeId\":\"c-1\",\"pushEventId\":\"p-1\",\"channel\":\"apns\","
                + "\"credentialIds\":[\"cr-1\"],\"attempt\":2,\"status\":\"unregistered\",\"httpStatus\":410,"
                + "\"reason\":\"Unregistered\",\"finalAttempt\":true,\"occurredAt\":\"2026-11-30T01:00:01.500Z\","
                + "\"credentialId\":\"cr-1\",\"idempotencyKey\":\"k-1\",\"userId\":\"u-1\","
                + "\"pushTokenSha256\":\"" + "ab".repeat(32) + "\"}");
        assertThat(event.cloudEventType()).isEqualTo("dev.countersign.delivery");
    }

    @Test
    void webhookAttemptThenNullsWrittenExceptTheTokenHash() throws Exception {
        DeliveryEvent event = new DeliveryEvent("e-2", DeliveryEvent.TYPE, "t-1", "c-1", "p-1", DeliveryEvent.WEBHOOK,
                List.of(), 1, DeliveryStatus.FAILED, null, "timeout", false, Instant.parse("2026-11-30T01:00:00Z"),
                null, "k-1", "u-1", null);

        String json = JSON.writeValueAsString(event);

        assertThat(json).contains("\"status\":\"failed\"", "\"httpStatus\":null", "\"credentialId\":null")
                .doesNotContain("pushTokenSha256");
        assertThat(JSON.readValue(json, DeliveryEvent.class)).isEqualTo(event);
    }

    @Test
    void everyStatusThenReadBackFromItsWireName() throws Exception {
        for (DeliveryStatus status : DeliveryStatus.values()) {
            String json = "{\"status\":\"" + status.name().toLowerCase() + "\"}";
            assertThat(JSON.readValue(json, DeliveryEvent.class).status()).isEqualTo(status);
        }
    }

    @Test
    void partialRecordWithUnknownFieldsThenReadAndAbsentFieldsNull() throws Exception {
        DeliveryEvent event = JSON.readValue("{\"eventId\":\"e-3\",\"tenantId\":\"t-1\",\"status\":\"sent\","
                + "\"somethingNew\":true}", DeliveryEvent.class);

        assertThat(event.eventId()).isEqualTo("e-3");
        assertThat(event.status()).isEqualTo(DeliveryStatus.SENT);
        assertThat(event.attempt()).isNull();
        assertThat(event.httpStatus()).isNull();
        assertThat(event.finalAttempt()).isNull();
        assertThat(event.occurredAt()).isNull();
    }

    @Test
    void unknownStatusThenNullAndTheRestStillRead() throws Exception {
        DeliveryEvent event = JSON.readValue("{\"eventId\":\"e-4\",\"status\":\"queued\",\"attempt\":3}",
                DeliveryEvent.class);

        assertThat(event.status()).isNull();
        assertThat(event.attempt()).isEqualTo(3);
    }
}
