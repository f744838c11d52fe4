package dev.countersign.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** Consumers that act on one type of challenge event skip the others by their header, unread. */
class ChallengeEventDeserializerTest {

    private static byte[] json(String type) {
        return ("{\"eventId\":\"e-1\",\"type\":\"" + type + "\",\"tenantId\":\"t-1\",\"challengeId\":\"c-1\","
                + "\"version\":2,\"kind\":\"push\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static RecordHeaders typed(String type) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_type", (ChallengeEvent.TYPE_PREFIX + type).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    @Test
    void approvalsOnlyThenOtherTypesAreNullAndApprovalsAreRead() {
        try (ChallengeEventDeserializer approvals = new ChallengeEventDeserializer.Approvals()) {
            assertThat(approvals.deserialize("challenge-events", typed(ChallengeEvent.CREATED),
                    json(ChallengeEvent.CREATED))).isNull();
            // Skipped by the header alone: a body that is not even JSON is never read.
            assertThat(approvals.deserialize("challenge-events", typed(ChallengeEvent.PUSH_REQUESTED),
                    "not json".getBytes(StandardCharsets.UTF_8))).isNull();

            ChallengeEvent approved = approvals.deserialize("challenge-events", typed(ChallengeEvent.APPROVED),
                    json(ChallengeEvent.APPROVED));
            assertThat(approved.type()).isEqualTo(ChallengeEvent.APPROVED);
            assertThat(approved.challengeId()).isEqualTo("c-1");
            assertThat(approved.version()).isEqualTo(2);
        }
    }

    @Test
    void pushRequestsOnlyThenARecordWithoutATypeHeaderIsStillRead() {
        try (ChallengeEventDeserializer pushes = new ChallengeEventDeserializer.PushRequests()) {
            assertThat(pushes.deserialize("challenge-events", typed(ChallengeEvent.APPROVED),
                    json(ChallengeEvent.APPROVED))).isNull();
            assertThat(pushes.deserialize("challenge-events", typed(ChallengeEvent.PUSH_REQUESTED),
                    json(ChallengeEvent.PUSH_REQUESTED)).type()).isEqualTo(ChallengeEvent.PUSH_REQUESTED);
            assertThat(pushes.deserialize("challenge-events", new RecordHeaders(), json(ChallengeEvent.CREATED))
                    .type()).isEqualTo(ChallengeEvent.CREATED);
        }
    }

    @Test
    void everyTypeThenNothingIsSkipped() {
        try (ChallengeEventDeserializer all = new ChallengeEventDeserializer()) {
            for (String type : new String[] {ChallengeEvent.CREATED, ChallengeEvent.PUSH_REQUESTED,
                    ChallengeEvent.CLAIMED, ChallengeEvent.APPROVED, ChallengeEvent.REJECTED}) {
                assertThat(all.deserialize("challenge-events", typed(type), json(type)).type()).isEqualTo(type);
            }
        }
    }
}
