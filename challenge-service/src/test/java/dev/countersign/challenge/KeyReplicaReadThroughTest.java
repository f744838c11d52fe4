package dev.countersign.challenge;

import static dev.countersign.challenge.ActionResourceTest.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.countersign.challenge.replica.KeyReplica;
import dev.countersign.challenge.replica.KeyReplicaStore;
import dev.countersign.challenge.replica.KeyReplicaStore.Change;
import dev.countersign.challenge.replica.ReplicaCredential;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.event.PushTarget;
import dev.countersign.testkit.TestTenants;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;

/** A key the events have not brought yet is asked of credential-service (here: its stand-in). */
@QuarkusTest
class KeyReplicaReadThroughTest {

    static final String TENANT = TestTenants.TENANT_ID;

    @Inject
    KeyReplica replica;

    @Inject
    RedisDataSource redis;

    private Optional<ReplicaCredential> find(CredentialKind kind, DevicePublicKey key) {
        return replica.find(TENANT, kind, key).await().indefinitely();
    }

    static Map<String, String> parameters(String query) {
        return Arrays.stream(query.split("&")).map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(pair -> pair[0], pair -> URLDecoder.decode(pair[1], StandardCharsets.UTF_8)));
    }

    @Test
    void missAsksCredentialServiceAndKeepsItsAnswer() {
        DevicePublicKey key = TestCredentials.newKey();
        String credentialId = UUID.randomUUID().toString();
        String userId = user();
        TestCredentials.stubAnswers(TENANT, credentialId, userId, "qr-code", key, 3);

        assertThat(find(CredentialKind.QR_CODE, key)).contains(new ReplicaCredential(credentialId, TENANT, userId,
                CredentialKind.QR_CODE, key.spkiBase64(), 3));

        assertThat(TestCredentials.stubQueriesFor(key)).singleElement().satisfies(query ->
                assertThat(parameters(query)).containsExactlyInAnyOrderEntriesOf(Map.of(
                        "tenantId", TENANT, "publicKey", key.spkiBase64(), "kind", "qr-code")));
        // Kept in the replica with its version, and in the user's index: asked once only.
        assertThat(redis.hash(String.class).hgetall(KeyReplicaStore.keyEntry(TENANT, CredentialKind.QR_CODE,
                key.fingerprint()))).containsEntry("version", "3").containsEntry("removed", "0");
        assertThat(find(CredentialKind.QR_CODE, key)).isPresent();
        assertThat(TestCredentials.stubQueriesFor(key)).hasSize(1);
        assertThat(replica.kindsOf(TENANT, userId).await().indefinitely()).containsExactly(CredentialKind.QR_CODE);
    }

    @Test
    void missOnPushCredentialRecordsItsPushTargetLikeAnEvent() {
        DevicePublicKey key = TestCredentials.newKey();
        String credentialId = UUID.randomUUID().toString();
        String userId = user();
        TestCredentials.stubAnswers(TENANT, key, "push", Map.of("credentialId", credentialId, "userId", userId,
                "version", 3, "devicePlatform", "iOS", "pushToken", "apns-token-" + credentialId));

        assertThat(find(CredentialKind.PUSH, key)).isPresent();

        // Normalised like the event path's (lower-case platform), so the notifier picks APNs.
        assertThat(replica.pushTargets(TENANT, userId, List.of(credentialId)).await().indefinitely())
                .containsExactly(new PushTarget(credentialId, "ios", "apns-token-" + credentialId));
    }

    @Test
    void readThroughPushTargetOlderThanWhatAnEventWroteChangesNothing() {
        DevicePublicKey key = TestCredentials.newKey();
        String credentialId = UUID.randomUUID().toString();
        String userId = user();
        // An event at version 4 gave the new token; credential-service's answer is still version 3.
        replica.applyPushTarget(TENANT, userId, credentialId, 4, "android", "fcm-token-new").await().indefinitely();
        TestCredentials.stubAnswers(TENANT, key, "push", Map.of("credentialId", credentialId, "userId", userId,
                "version", 3, "devicePlatform", "android", "pushToken", "fcm-token-old"));

        assertThat(find(CredentialKind.PUSH, key)).isPresent();

        assertThat(TestCredentials.stubQueriesFor(key)).hasSize(1);
        assertThat(replica.pushTargets(TENANT, userId, List.of(credentialId)).await().indefinitely())
                .containsExactly(new PushTarget(credentialId, "android", "fcm-token-new"));
    }

    @Test
    void missOnPushCredentialWithoutTokenLeavesNoTarget() {
        DevicePublicKey key = TestCredentials.newKey();
        String credentialId = UUID.randomUUID().toString();
        String userId = user();
        TestCredentials.stubAnswers(TENANT, credentialId, userId, "push", key, 1);

        assertThat(find(CredentialKind.PUSH, key)).isPresent();
        assertThat(replica.pushTargets(TENANT, userId, List.of(credentialId)).await().indefinitely()).isEmpty();
    }

    @Test
    void missThatCredentialServiceDoesNotKnowIsEmpty() {
        DevicePublicKey key = TestCredentials.newKey();
        assertThat(find(CredentialKind.PUSH, key)).isEmpty();
        assertThat(TestCredentials.stubQueriesFor(key)).hasSize(1);
        assertThat(redis.key().exists(KeyReplicaStore.keyEntry(TENANT, CredentialKind.PUSH, key.fingerprint())))
                .isFalse();
    }

    /**
     * credential-service still says version 1, active (a stale answer); the replica saw the
     * removal, version 2. Answers the credential's id.
     */
    private String staleAnswerAndRemoval(String userId, DevicePublicKey key) {
        String credentialId = UUID.randomUUID().toString();
        TestCredentials.stubAnswers(TENANT, credentialId, userId, "push", key, 1);
        replica.apply(new Change(TENANT, credentialId, 2, userId, CredentialKind.PUSH, key.spkiBase64(), true),
                key.fingerprint(), Optional.of(System.currentTimeMillis())).await().indefinitely();
        return credentialId;
    }

    @Test
    void tombstoneIsEmptyWithoutAsking() {
        DevicePublicKey key = TestCredentials.newKey();
        staleAnswerAndRemoval(user(), key);

        assertThat(find(CredentialKind.PUSH, key)).isEmpty();
        assertThat(TestCredentials.stubQueriesFor(key)).isEmpty();
    }

    @Test
    void readThroughAnswerOlderThanWhatEventsWroteChangesNothing() {
        DevicePublicKey key = TestCredentials.newKey();
        String credentialId = UUID.randomUUID().toString();
        String userId = user();
        replica.apply(new Change(TENANT, credentialId, 2, userId, CredentialKind.PUSH, key.spkiBase64(), true),
                key.fingerprint(), Optional.of(System.currentTimeMillis())).await().indefinitely();
        // The same script for a read-through answer (version 1, no event time) leaves the tombstone.
        replica.apply(new Change(TENANT, credentialId, 1, userId, CredentialKind.PUSH, key.spkiBase64(), false),
                key.fingerprint(), Optional.empty()).await().indefinitely();
        assertThat(find(CredentialKind.PUSH, key)).isEmpty();
        assertThat(replica.kindsOf(TENANT, userId).await().indefinitely()).isEmpty();
    }

    @Test
    void credentialServiceFailingThenServiceUnavailableAndNothingKept() {
        DevicePublicKey key = TestCredentials.newKey();
        TestCredentials.stubAnswers(TENANT, key, "push", Map.of("status", 500));
        assertThatThrownBy(() -> find(CredentialKind.PUSH, key))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
        assertThat(redis.key().exists(KeyReplicaStore.keyEntry(TENANT, CredentialKind.PUSH, key.fingerprint())))
                .isFalse();
    }

    @Test
    void credentialServiceAnsweringForAnotherKeyIsNotBelieved() {
        DevicePublicKey key = TestCredentials.newKey();
        TestCredentials.stubAnswers(TENANT, key, "push",
                Map.of("answeredKey", TestCredentials.newKey().spkiBase64()));
        assertThatThrownBy(() -> find(CredentialKind.PUSH, key)).isInstanceOf(ApiException.class);
        assertThat(redis.key().exists(KeyReplicaStore.keyEntry(TENANT, CredentialKind.PUSH, key.fingerprint())))
                .isFalse();
    }

    @Test
    void userMissAsksCredentialServiceAndKeepsEachCredentialLikeItsEvent() {
        DevicePublicKey pushKey = TestCredentials.newKey();
        DevicePublicKey qrKey = TestCredentials.newKey();
        String pushId = UUID.randomUUID().toString();
        String qrId = UUID.randomUUID().toString();
        String userId = user();
        TestCredentials.stubAnswers(TENANT, pushKey, "push", Map.of("credentialId", pushId, "userId", userId,
                "version", 4, "devicePlatform", "Android", "pushToken", "fcm-token-" + pushId));
        TestCredentials.stubAnswers(TENANT, qrId, userId, "qr-code", qrKey, 2);

        assertThat(replica.kindsOf(TENANT, userId).await().indefinitely())
                .containsExactly(CredentialKind.PUSH, CredentialKind.QR_CODE);

        assertThat(TestCredentials.stubUserQueriesFor(userId)).singleElement().satisfies(query ->
                assertThat(parameters(query)).containsExactlyInAnyOrderEntriesOf(Map.of(
                        "tenantId", TENANT, "userId", userId)));
        assertThat(redis.hash(String.class).hgetall(KeyReplicaStore.userIndex(TENANT, userId)))
                .containsOnlyKeys(pushId, qrId)
                .hasEntrySatisfying(pushId, entry -> assertThat(entry).startsWith("4:0:push:"))
                .hasEntrySatisfying(qrId, entry -> assertThat(entry).startsWith("2:0:qr-code:"));
        // The keys are known too, and the push address: later lookups ask nothing more.
        assertThat(find(CredentialKind.PUSH, pushKey)).contains(new ReplicaCredential(pushId, TENANT, userId,
                CredentialKind.PUSH, pushKey.spkiBase64(), 4));
        assertThat(find(CredentialKind.QR_CODE, qrKey)).isPresent();
        assertThat(TestCredentials.stubQueriesFor(pushKey)).isEmpty();
        assertThat(replica.pushTargets(TENANT, userId, List.of(pushId)).await().indefinitely())
                .containsExactly(new PushTarget(pushId, "android", "fcm-token-" + pushId));
        assertThat(replica.credentialIdsOf(TENANT, userId, CredentialKind.PUSH).await().indefinitely())
                .containsExactly(pushId);
        assertThat(TestCredentials.stubUserQueriesFor(userId)).hasSize(1);
    }

    @Test
    void userReadThroughOlderThanARemovalEventDoesNotBringTheCredentialBack() {
        DevicePublicKey key = TestCredentials.newKey();
        String userId = user();
        String credentialId = staleAnswerAndRemoval(userId, key);
        replica.applyPushTarget(TENANT, userId, credentialId, 2, "android", null).await().indefinitely();

        assertThat(replica.credentialIdsOf(TENANT, userId, CredentialKind.PUSH).await().indefinitely()).isEmpty();
        assertThat(replica.kindsOf(TENANT, userId).await().indefinitely()).isEmpty();

        assertThat(TestCredentials.stubUserQueriesFor(userId)).hasSize(2);
        assertThat(redis.hash(String.class).hget(KeyReplicaStore.userIndex(TENANT, userId), credentialId))
                .startsWith("2:1:");
        assertThat(find(CredentialKind.PUSH, key)).isEmpty();
    }

    @Test
    void credentialIdWantedButMissingFromTheIndexIsAskedFor() {
        String userId = user();
        String knownId = UUID.randomUUID().toString();
        DevicePublicKey known = TestCredentials.newKey();
        replica.apply(new Change(TENANT, knownId, 1, userId, CredentialKind.PUSH, known.spkiBase64(), false),
                known.fingerprint(), Optional.of(System.currentTimeMillis())).await().indefinitely();
        String newId = UUID.randomUUID().toString();
        TestCredentials.stubAnswers(TENANT, newId, userId, "push", TestCredentials.newKey(), 1);

        // Any of the user's push credentials: the index has one, so nothing is asked.
        assertThat(replica.credentialIdsOf(TENANT, userId, CredentialKind.PUSH).await().indefinitely())
                .containsExactly(knownId);
        assertThat(TestCredentials.stubUserQueriesFor(userId)).isEmpty();
        // The new one by id: the index lacks it, so credential-service is asked.
        assertThat(replica.credentialIdsOf(TENANT, userId, CredentialKind.PUSH, Optional.of(newId))
                .await().indefinitely()).containsExactlyInAnyOrder(knownId, newId);
        assertThat(TestCredentials.stubUserQueriesFor(userId)).hasSize(1);
    }

    @Test
    void credentialServiceFailingForAUserThenPushTargetsAreUnavailableAndKindsStayTheIndexs() {
        String userId = user();
        TestCredentials.stubFailsForUser(TENANT, userId, 500);

        assertThatThrownBy(() -> replica.credentialIdsOf(TENANT, userId, CredentialKind.PUSH).await().indefinitely())
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
        assertThat(replica.kindsOf(TENANT, userId).await().indefinitely()).isEmpty();
        assertThat(redis.key().exists(KeyReplicaStore.userIndex(TENANT, userId))).isFalse();
    }
}
