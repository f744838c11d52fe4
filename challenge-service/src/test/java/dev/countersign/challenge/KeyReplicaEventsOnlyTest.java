package dev.countersign.challenge;

import static dev.countersign.challenge.ActionResourceTest.user;
import static dev.countersign.challenge.TestCredentials.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.countersign.challenge.replica.KeyReplica;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.event.CredentialEvent;
import dev.countersign.testkit.TestTenants;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With read-through off, the replica knows exactly what the events said. */
@QuarkusTest
@TestProfile(KeyReplicaEventsOnlyTest.ReadThroughOff.class)
class KeyReplicaEventsOnlyTest {

    public static class ReadThroughOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("countersign.challenge.key-replica.read-through", "false");
        }
    }

    @Inject
    KeyReplica replica;

    @Test
    void missIsEmptyWithoutAskingUntilTheEventArrives() {
        DevicePublicKey key = TestCredentials.newKey();
        String credentialId = UUID.randomUUID().toString();
        String userId = user();
        TestCredentials.stubAnswers(TestTenants.TENANT_ID, credentialId, userId, "push", key, 1);

        assertThat(replica.find(TestTenants.TENANT_ID, CredentialKind.PUSH, key).await().indefinitely()).isEmpty();
        assertThat(TestCredentials.stubQueriesFor(key)).isEmpty();

        TestCredentials.produce(event(CredentialEvent.ADDED, TestTenants.TENANT_ID, credentialId, 1, userId, "push",
                key, Instant.now()));
        await().atMost(KeyReplicaTest.EVENT_WAIT).until(() -> replica.find(TestTenants.TENANT_ID,
                CredentialKind.PUSH, key).await().indefinitely().isPresent());
        assertThat(TestCredentials.stubQueriesFor(key)).isEmpty();
    }

    @Test
    void userMissIsEmptyWithoutAskingUntilTheEventArrives() {
        DevicePublicKey key = TestCredentials.newKey();
        String credentialId = UUID.randomUUID().toString();
        String userId = user();
        TestCredentials.stubAnswers(TestTenants.TENANT_ID, credentialId, userId, "push", key, 1);

        assertThat(replica.credentialIdsOf(TestTenants.TENANT_ID, userId, CredentialKind.PUSH).await().indefinitely())
                .isEmpty();
        assertThat(replica.kindsOf(TestTenants.TENANT_ID, userId).await().indefinitely()).isEmpty();
        assertThat(TestCredentials.stubUserQueriesFor(userId)).isEmpty();

        TestCredentials.produce(event(CredentialEvent.ADDED, TestTenants.TENANT_ID, credentialId, 1, userId, "push",
                key, Instant.now()));
        await().atMost(KeyReplicaTest.EVENT_WAIT).until(() -> replica.credentialIdsOf(TestTenants.TENANT_ID, userId,
                CredentialKind.PUSH).await().indefinitely().contains(credentialId));
        assertThat(TestCredentials.stubUserQueriesFor(userId)).isEmpty();
    }
}
