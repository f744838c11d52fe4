package dev.countersign.challenge;

import static dev.countersign.challenge.ActionResourceTest.server;
import static dev.countersign.challenge.ActionResourceTest.user;
import static dev.countersign.challenge.TestCredentials.event;
import static dev.countersign.challenge.TestCredentials.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.countersign.challenge.replica.KeyReplica;
import dev.countersign.challenge.replica.KeyReplicaStore;
import dev.countersign.challenge.replica.ReplicaCredential;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.event.CredentialEvent;
import dev.countersign.testkit.TestTenants;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;

/** The replica as the real Kafka feeds it. */
@QuarkusTest
class KeyReplicaTest {

    static final Duration EVENT_WAIT = Duration.ofSeconds(30);
    static final String TENANT = TestTenants.TENANT_ID;

    @Inject
    KeyReplica replica;

    @Inject
    RedisDataSource redis;

    private Optional<ReplicaCredential> find(CredentialKind kind, DevicePublicKey key) {
        return replica.find(TENANT, kind, key).await().indefinitely();
    }

    private Map<String, String> entry(CredentialKind kind, DevicePublicKey key) {
        return redis.hash(String.class).hgetall(KeyReplicaStore.keyEntry(TENANT, kind, key.fingerprint()));
    }

    /** Produces a marker event after the others and waits for it: everything before it was applied. */
    private void awaitApplied() {
        DevicePublicKey marker = TestCredentials.newKey();
        produce(event(CredentialEvent.ADDED, TENANT, UUID.randomUUID().toString(), 1, user(), "push", marker,
                Instant.now()));
        await().atMost(EVENT_WAIT).until(() -> !entry(CredentialKind.PUSH, marker).isEmpty());
    }

    @Test
    void userIndexLeavesOutExpiredCredentialsAndReadsEntriesWrittenBeforeExpiryExisted() {
        String userId = user();
        long now = Instant.now().toEpochMilli();
        redis.hash(String.class).hset(KeyReplicaStore.userIndex(TENANT, userId), Map.of(
                "old-format-push", "1:0:push", // written before expiresAt was kept: never expires
                "expired-qr", "2:0:qr-code:" + (now - 1_000),
                "lasting-in-app", "1:0:in-app:" + (now + 3_600_000),
                "never-expiring-push", "1:0:push:",
                "removed-qr", "3:1:qr-code:"));

        assertThat(replica.kindsOf(TENANT, userId).await().indefinitely())
                .containsExactly(CredentialKind.PUSH, CredentialKind.IN_APP);
        assertThat(replica.credentialIdsOf(TENANT, userId, CredentialKind.PUSH).await().indefinitely())
                .containsExactly("never-expiring-push", "old-format-push");
        assertThat(replica.credentialIdsOf(TENANT, userId, CredentialKind.QR_CODE).await().indefinitely()).isEmpty();
    }

    @Test
    void addedThenRemovedThenOlderAddedReplayedLeavesKeyRemoved() {
        DevicePublicKey key = TestCredentials.newKey();
        String credentialId = UUID.randomUUID().toString();
        String userId = user();
        Instant t = Instant.now();

        produce(event(CredentialEvent.ADDED, TENANT, credentialId, 1, userId, "push", key, t));
        await().atMost(EVENT_WAIT).until(() -> find(CredentialKind.PUSH, key).isPresent());
        ReplicaCredential found = find(CredentialKind.PUSH, key).orElseThrow();
        assertThat(found).isEqualTo(new ReplicaCredential(credentialId, TENANT, userId, CredentialKind.PUSH,
                key.spkiBase64(), 1));
        assertThat(find(CredentialKind.QR_CODE, key)).isEmpty();

        produce(event(CredentialEvent.REMOVED, TENANT, credentialId, 2, userId, "push", key, t.plusSeconds(1)));
        await().atMost(EVENT_WAIT).until(() -> find(CredentialKind.PUSH, key).isEmpty());
        String tombstone = KeyReplicaStore.keyEntry(TENANT, CredentialKind.PUSH, key.fingerprint());
        assertThat(entry(CredentialKind.PUSH, key)).containsEntry("removed", "1").containsEntry("version", "2");
        assertThat(redis.key().pttl(tombstone)).isBetween(Duration.ofDays(29).toMillis(), Duration.ofDays(30).toMillis());

        // A replay of the compacted topic, or a late duplicate: older than the removal, so ignored.
        produce(event(CredentialEvent.ADDED, TENANT, credentialId, 1, userId, "push", key, t));
        awaitApplied();
        assertThat(find(CredentialKind.PUSH, key)).isEmpty();
        assertThat(entry(CredentialKind.PUSH, key)).containsEntry("removed", "1").containsEntry("version", "2");
        assertThat(replica.kindsOf(TENANT, userId).await().indefinitely()).isEmpty();
    }

    @Test
    void updatedKeepsKeyActiveAtNewVersionAndDuplicatesChangeNothing() {
        DevicePublicKey key = TestCredentials.newKey();
        String credentialId = UUID.randomUUID().toString();
        String userId = user();
        Instant t = Instant.now();
        CredentialEvent added = event(CredentialEvent.ADDED, TENANT, credentialId, 1, userId, "in-app", key, t);
        produce(added, event(CredentialEvent.UPDATED, TENANT, credentialId, 2, userId, "in-app", key, t), added);
        awaitApplied();
        assertThat(find(CredentialKind.IN_APP, key)).map(ReplicaCredential::version).contains(2L);
    }

    @Test
    void expiredCredentialIsNotFoundUntilRenewedByANewerVersion() {
        DevicePublicKey key = TestCredentials.newKey();
        String credentialId = UUID.randomUUID().toString();
        String userId = user();
        Instant t = Instant.now();
        produce(withExpiry(event(CredentialEvent.ADDED, TENANT, credentialId, 1, userId, "push", key, t),
                t.minusSeconds(1)));
        await().atMost(EVENT_WAIT).until(() -> !entry(CredentialKind.PUSH, key).isEmpty());
        assertThat(find(CredentialKind.PUSH, key)).isEmpty();

        // PATCH …/push with resetExpiry: credential.updated at the next version with a later deadline.
        produce(withExpiry(event(CredentialEvent.UPDATED, TENANT, credentialId, 2, userId, "push", key,
                t.plusSeconds(1)), t.plus(Duration.ofDays(90))));
        await().atMost(EVENT_WAIT).until(() -> find(CredentialKind.PUSH, key).isPresent());
        assertThat(find(CredentialKind.PUSH, key)).map(ReplicaCredential::version).contains(2L);
    }

    private static CredentialEvent withExpiry(CredentialEvent e, Instant expiresAt) {
        return new CredentialEvent(e.eventId(), e.type(), e.tenantId(), e.credentialId(), e.version(), e.userId(),
                e.kind(), e.publicKey(), e.occurredAt(), e.devicePlatform(), e.pushToken(), expiresAt);
    }

    @Test
    void keyRemovedAndEnrolledAgainUnderNewCredentialIsActiveAgain() {
        DevicePublicKey key = TestCredentials.newKey();
        String userId = user();
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        Instant t = Instant.now();
        produce(event(CredentialEvent.ADDED, TENANT, first, 1, userId, "push", key, t),
                event(CredentialEvent.REMOVED, TENANT, first, 2, userId, "push", key, t.plusSeconds(1)),
                event(CredentialEvent.ADDED, TENANT, second, 1, userId, "push", key, t.plusSeconds(2)),
                // The first credential's events again, as a replay would bring them: older, ignored.
                event(CredentialEvent.REMOVED, TENANT, first, 2, userId, "push", key, t.plusSeconds(1)));
        awaitApplied();
        assertThat(find(CredentialKind.PUSH, key)).map(ReplicaCredential::credentialId).contains(second);
        assertThat(replica.kindsOf(TENANT, userId).await().indefinitely()).containsExactly(CredentialKind.PUSH);
    }

    @Test
    void keysAreKeptPerTenant() {
        DevicePublicKey key = TestCredentials.newKey();
        produce(event(CredentialEvent.ADDED, TestTenants.OTHER_TENANT_ID, UUID.randomUUID().toString(), 1, user(),
                "qr-code", key, Instant.now()));
        await().atMost(EVENT_WAIT).until(() -> replica.find(TestTenants.OTHER_TENANT_ID, CredentialKind.QR_CODE, key)
                .await().indefinitely().isPresent());
        // Read-through asks the stub for this tenant, which knows nothing of the key.
        assertThat(find(CredentialKind.QR_CODE, key)).isEmpty();
    }

    @Test
    void unreadableEventsAreSkippedAndLaterOnesStillApplied() {
        DevicePublicKey key = TestCredentials.newKey();
        produce(new CredentialEvent(UUID.randomUUID().toString(), CredentialEvent.ADDED, TENANT, "c-" + UUID.randomUUID(),
                1, user(), "no-such-kind", key.spkiBase64(), Instant.now(), null, null, null),
                new CredentialEvent(UUID.randomUUID().toString(), CredentialEvent.ADDED, TENANT, "c-" + UUID.randomUUID(),
                        1, user(), "push", "not base64 of a key", Instant.now(), null, null, null));
        TestCredentials.produceRaw("not json at all");
        awaitApplied();
    }

    @Test
    void trackReportsTheUsersVerificationMethodsFromTheReplica() {
        String userId = user();
        String push = UUID.randomUUID().toString();
        DevicePublicKey pushKey = TestCredentials.newKey();
        Instant t = Instant.now();
        produce(event(CredentialEvent.ADDED, TENANT, push, 1, userId, "push", pushKey, t),
                event(CredentialEvent.ADDED, TENANT, UUID.randomUUID().toString(), 1, userId, "qr-code",
                        TestCredentials.newKey(), t),
                event(CredentialEvent.ADDED, TENANT, UUID.randomUUID().toString(), 1, userId, "in-app",
                        TestCredentials.newKey(), t));
        await().atMost(EVENT_WAIT).until(() -> replica.kindsOf(TENANT, userId).await().indefinitely().size() == 3);
        assertThat(replica.kindsOf(TENANT, userId).await().indefinitely())
                .containsExactly(CredentialKind.PUSH, CredentialKind.QR_CODE, CredentialKind.IN_APP);

        server().noContentType().post("/v1/users/{userId}/actions/signIn", userId).then().statusCode(200)
                .body("isEnrolled", equalTo(true))
                .body("enrolledVerificationMethods", equalTo(List.of("PUSH", "DEVICE")))
                .body("defaultVerificationMethod", equalTo("PUSH"));

        produce(event(CredentialEvent.REMOVED, TENANT, push, 2, userId, "push", pushKey, t.plusSeconds(1)));
        await().atMost(EVENT_WAIT).until(() -> replica.kindsOf(TENANT, userId).await().indefinitely().size() == 2);
        server().noContentType().post("/v1/users/{userId}/actions/signIn", userId).then().statusCode(200)
                .body("isEnrolled", equalTo(true))
                .body("enrolledVerificationMethods", equalTo(List.of("DEVICE")))
                .body("defaultVerificationMethod", equalTo("DEVICE"));
        // Another tenant's user of the same id has nothing enrolled.
        ActionResourceTest.server(TestTenants.OTHER_SECRET_KEY).noContentType().post("/v1/users/{userId}/actions/signIn", userId)
                .then().statusCode(200).body("isEnrolled", equalTo(false));
    }
}
