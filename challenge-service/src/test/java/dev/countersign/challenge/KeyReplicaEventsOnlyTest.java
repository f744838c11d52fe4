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

    private static final String TENANT = TestTenants.TENANT_ID;

    /** Known to credential-service (its stand-in) only; answers the credential's id. */
    private static String knownOnlyToCredentialService(String userId, DevicePublicKey key) {
        String credentialId = UUID.randomUUID().toString();
        TestCredentials.stubAnswers(TENANT, credentialId, userId, "push", key, 1);
        return credentialId;
    }

    @Test
    void missIsEmptyWithoutAskingUntilTheEventArrives() {
        DevicePublicKey key = TestCredentials.newKey();
        String userId = user();
        String credentialId = knownOnlyToCredentialService(userId, key);

        assertThat(replica.find(TENANT, CredentialKind.PUSH, key).await().indefinitely()).isEmpty();
        assertThat(TestCredentials.stubQueriesFor(key)).isEmpty();

        TestCredentials.produce(event(CredentialEvent.ADDED, TENANT, credentialId, 1, userId, "push", key,
                Instant.now()));
        await().atMost(KeyReplicaTest.EVENT_WAIT).until(() -> replica.find(TENANT, CredentialKind.PUSH, key)
                .await().indefinitely().isPresent());
        assertThat(TestCredentials.stubQueriesFor(key)).isEmpty();
    }

    @Test
    void userMissIsEmptyWithoutAskingUntilTheEventArrives() {
        String userId = user();
        DevicePublicKey key = TestCredentials.newKey();
        String credentialId = knownOnlyToCredentialService(userId, key);

        assertThat(replica.credentialIdsOf(TENANT, userId, CredentialKind.PUSH).await().indefinitely()).isEmpty();
        assertThat(replica.kindsOf(TENANT, userId).await().indefinitely()).isEmpty();
        assertThat(TestCredentials.stubUserQueriesFor(userId)).isEmpty();

        TestCredentials.produce(event(CredentialEvent.ADDED, TENANT, credentialId, 1, userId, "push", key,
                Instant.now()));
        await().atMost(KeyReplicaTest.EVENT_WAIT).until(() -> replica.kindsOf(TENANT, userId)
                .await().indefinitely().contains(CredentialKind.PUSH));
        assertThat(TestCredentials.stubUserQueriesFor(userId)).isEmpty();
    }
}
