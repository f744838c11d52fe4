package dev.countersign.challenge;

import static dev.countersign.challenge.ActionResourceTest.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.countersign.challenge.PushChallengeTest.Tracked;
import dev.countersign.challenge.lifecycle.ChallengeOutbox;
import dev.countersign.challenge.replica.KeyReplica;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.event.CredentialEvent;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.testkit.FrozenProcess;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With requests set to wait for Kafka's acknowledgement ({@code outbox.ack-wait} above zero; by
 * default they do not wait at all), a frozen Kafka broker (SIGSTOP: connections open, nothing
 * answers) does not hold requests up: the first wait for an acknowledgement runs out, after which
 * requests stop waiting for Kafka until it acknowledges again; the outbox publishes every event once
 * the broker runs again.
 */
@io.quarkus.test.junit.QuarkusTest
@TestProfile(KafkaFreezeTest.WaitingForAcks.class)
class KafkaFreezeTest {

    public static class WaitingForAcks implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("countersign.challenge.outbox.ack-wait", "PT2S");
        }
    }

    @Inject
    ChallengeOutbox outbox;

    @Inject
    KeyReplica replica;

    @Test
    void pushFlowsCompleteWhileKafkaIsFrozenAndTheirEventsArePublishedOnceItRunsAgain() {
        SimulatedDevice phone = PushChallengeTest.device(DeviceProfile.ANDROID_3_8);
        String userId = user();
        String credentialId = UUID.randomUUID().toString();
        TestCredentials.produce(TestCredentials.event(CredentialEvent.ADDED, PushChallengeTest.TENANT, credentialId,
                1, userId, "push", PushChallengeTest.key(phone), Instant.now()));
        await().atMost(KeyReplicaTest.EVENT_WAIT).until(() -> replica
                .credentialIdsOf(PushChallengeTest.TENANT, userId, CredentialKind.PUSH).await().indefinitely()
                .contains(credentialId));
        Tracked first = ChallengeOutboxTest.trackFor(userId);

        String approvedId;
        String secondId;
        try (FrozenProcess frozen = FrozenProcess.kafka()) {
            approvedId = ChallengeOutboxTest.initiate(first);
            // That wait ran out: requests no longer wait for Kafka while it does not acknowledge.
            assertThat(outbox.waitsForAcks()).isFalse();
            DeviceResponse approved = phone.updateChallenge(CredentialKind.PUSH, approvedId, true, null);
            assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
            secondId = ChallengeOutboxTest.initiate(ChallengeOutboxTest.trackFor(userId));
            assertThat(outbox.waitsForAcks()).isFalse();
        }

        ChallengeEventsTopic.awaitTypes(approvedId, "challenge.created", "push.requested", "challenge.approved");
        ChallengeEventsTopic.awaitTypes(secondId, "challenge.created", "push.requested");
        await().atMost(Duration.ofSeconds(30)).until(outbox::waitsForAcks);
    }
}
