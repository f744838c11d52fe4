package dev.countersign.challenge;

import static dev.countersign.challenge.ActionResourceTest.user;
import static dev.countersign.challenge.ChallengeEventsTopic.awaitTypes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.countersign.challenge.lifecycle.ChallengeOutbox;
import dev.countersign.challenge.lifecycle.ChallengeStore;
import dev.countersign.challenge.lifecycle.OutboxStore;
import dev.countersign.challenge.lifecycle.PendingIndex;
import dev.countersign.challenge.limits.InitiationBudgets;
import dev.countersign.challenge.replica.KeyReplica;
import dev.countersign.challenge.replica.KeyReplicaRebuild;
import dev.countersign.challenge.replica.KeyReplicaStore;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.event.CredentialEvent;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.testkit.SettableClock;
import dev.countersign.testkit.TestTenants;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * challenge-service on a Redis Cluster of three masters (the client in cluster mode): every
 * script's keys share one hash tag, so none meets CROSSSLOT, and the flows that span several tags
 * (a challenge, its user's pending index, the outbox index, budgets, the key replica) work with
 * their keys on different nodes.
 */
@QuarkusTest
@TestProfile(RedisClusterTest.OnCluster.class)
class RedisClusterTest {

    static final String TENANT = TestTenants.TENANT_ID;
    static final CredentialKind PUSH = CredentialKind.PUSH;
    /** Past {@code countersign.challenge.outbox.repair-after}: the repair looks at the entry. */
    static final Duration REPAIR_DUE = Duration.ofSeconds(11);

    public static class OnCluster implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(RedisCluster.class));
        }
    }

    @Inject
    RedisDataSource redis;

    @Inject
    KeyReplica replica;

    @Inject
    KeyReplicaRebuild rebuild;

    @Inject
    ChallengeOutbox outbox;

    @Inject
    FailingChallengeEventPublisher publisher;

    @Inject
    InitiationBudgets limits;

    @Inject
    SettableClock clock;

    @BeforeEach
    void replicaIsRebuiltOnTheNewCluster() {
        // A fresh cluster holds no epoch marker: the rebuild (lease, versioned applies, marker) runs on it.
        await().atMost(KeyReplicaHealingTest.HEALS_WITHIN).until(rebuild::complete);
    }

    @AfterEach
    void reset() {
        publisher.failNext(0);
        clock.reset();
    }

    String enrol(String userId, SimulatedDevice device, CredentialKind kind) {
        String id = UUID.randomUUID().toString();
        TestCredentials.produce(TestCredentials.event(CredentialEvent.ADDED, TENANT, id, 1, userId, kind.wireName(),
                DevicePublicKey.fromSpkiBase64(device.publicKey(kind)).orElseThrow(), Instant.now()));
        await().atMost(KeyReplicaTest.EVENT_WAIT)
                .until(() -> replica.credentialIdsOf(TENANT, userId, kind).await().indefinitely().contains(id));
        return id;
    }

    Map<String, String> stored(String challengeId) {
        return redis.hash(String.class).hgetall(ChallengeStore.key(challengeId));
    }

    boolean published(String challengeId) {
        return stored(challengeId).keySet().stream().noneMatch(field -> field.startsWith("evt:"))
                && redis.sortedSet(String.class).zscore(OutboxStore.UNPUBLISHED, challengeId).isEmpty();
    }

    @Test
    void theServiceTalksToAClusterWhoseNodesShareTheKeys() {
        String info = redis.execute("CLUSTER", "INFO").toString();
        assertThat(info).contains("cluster_state:ok").contains("cluster_known_nodes:3");
        // A challenge and its user's pending index hash to different slots: one script never sees both.
        String challenge = ChallengeStore.key(UUID.randomUUID().toString());
        String pending = PendingIndex.key(TENANT, user());
        assertThat(redis.execute("CLUSTER", "KEYSLOT", challenge).toLong())
                .isNotEqualTo(redis.execute("CLUSTER", "KEYSLOT", pending).toLong());
    }

    @Test
    void pushIsInitiatedFetchedSupersededApprovedVerifiedAndPublishedThroughTheOutbox() {
        SimulatedDevice phone = PushChallengeTest.device(DeviceProfile.ANDROID_3_8);
        String userId = user();
        String credentialId = enrol(userId, phone, PUSH);

        String first = KeyReplicaHealingTest.initiate(userId).statusCode(200).extract().path("challengeId");
        String token = KeyReplicaHealingTest.track(userId);
        String second = PushChallengeTest.initiate(token, Map.of("action", "signIn")).statusCode(200)
                .extract().path("challengeId");
        assertThat(stored(first)).containsEntry("state", "superseded").containsEntry("supersededBy", second);

        DeviceResponse fetched = phone.getPushChallenge();
        assertThat(fetched.text("challengeId")).isEqualTo(second);

        // Kafka refuses the approval's event: the outbox keeps it beside the challenge and the repair publishes it.
        publisher.failNext(1_000);
        DeviceResponse approved = phone.updateChallenge(PUSH, second, true, null);
        assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
        PushChallengeTest.poll(token, second).statusCode(200).body("isVerified", equalTo(true));
        assertThat(stored(second)).containsEntry("state", "approved").containsEntry("credentialId", credentialId)
                .containsKey("evt:2:challenge.approved");
        assertThat(published(second)).isFalse();

        publisher.failNext(0);
        clock.advance(REPAIR_DUE);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            outbox.repair().await().indefinitely();
            return published(second);
        });
        awaitTypes(first, "challenge.created", "push.requested", "challenge.superseded");
        awaitTypes(second, "challenge.created", "push.requested", "challenge.approved");
    }

    @Test
    void qrIsCreatedClaimedApprovedAndTheKioskGetsItsToken() {
        SimulatedDevice phone = QrChallengeTest.device(DeviceProfile.IOS_2_7);
        String userId = user();
        enrol(userId, phone, CredentialKind.QR_CODE);
        QrChallengeTest.Kiosk kiosk = QrChallengeTest.create();

        DeviceResponse claim = phone.claimQrChallenge(kiosk.challengeId());
        assertThat(claim.status()).as(claim.toString()).isEqualTo(200);
        DeviceResponse approve = phone.updateChallenge(CredentialKind.QR_CODE, kiosk.challengeId(), true, null);
        assertThat(approve.status()).as(approve.toString()).isEqualTo(200);

        String accessToken = QrChallengeTest.poll(kiosk).statusCode(200).body("isVerified", equalTo(true))
                .extract().path("accessToken");
        QrChallengeTest.validate(accessToken).body("isValid", equalTo(true)).body("userId", equalTo(userId));
        awaitTypes(kiosk.challengeId(), "challenge.created", "challenge.claimed", "challenge.approved");
    }

    @Test
    void inAppVerifyAnswersAValidToken() throws Exception {
        SimulatedDevice device = InAppChallengeTest.device(DeviceProfile.ANDROID_3_8);
        String userId = user();
        String credentialId = enrol(userId, device, CredentialKind.IN_APP);
        String challengeId = InAppChallengeTest.challenge(device, "transfer");

        DeviceResponse verified = InAppChallengeTest.verify(InAppChallengeTest.Route.IN_APP, device, challengeId);

        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        assertThat(verified.text("userAuthenticatorId")).isEqualTo(credentialId);
        assertThat(InAppChallengeTest.validate(verified.text("token"), "transfer").get("isValid").asBoolean()).isTrue();
        awaitTypes(challengeId, "challenge.approved");
    }

    @Test
    void budgetsAndBackOffsAreCountedAndRefuseOnTheirSlots() {
        String userId = user();
        String address = InitiationBudgetsTest.address();
        for (int i = 0; i < 10; i++) {
            limits.beforeInitiation(TENANT, userId, address).await().atMost(Duration.ofSeconds(5));
        }
        ApiException refused = catchThrowableOfType(ApiException.class,
                () -> limits.beforeInitiation(TENANT, userId, address).await().atMost(Duration.ofSeconds(5)));
        assertThat(refused.code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
        assertThat(refused.getMessage()).isEqualTo("Too many push challenges for this user");

        // A rejection sets the user's back-off; an approval (two keys of the user's tag) clears it.
        String other = user();
        limits.onAnswered(TENANT, other, false, "no-slot").await().atMost(Duration.ofSeconds(5));
        assertThat(catchThrowableOfType(ApiException.class, () -> limits
                .beforeInitiation(TENANT, other, InitiationBudgetsTest.address()).await().atMost(Duration.ofSeconds(5)))
                .code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
        limits.onAnswered(TENANT, other, true, "no-slot").await().atMost(Duration.ofSeconds(5));
        limits.beforeInitiation(TENANT, other, InitiationBudgetsTest.address()).await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void keyReplicaAppliesAdditionsAndRemovalsWithTheirTombstones() {
        DevicePublicKey key = TestCredentials.newKey();
        String credentialId = UUID.randomUUID().toString();
        String userId = user();
        Instant t = Instant.now();
        TestCredentials.produce(TestCredentials.event(CredentialEvent.ADDED, TENANT, credentialId, 1, userId, key, t,
                "android", "fcm-token-" + credentialId));
        await().atMost(KeyReplicaTest.EVENT_WAIT)
                .until(() -> replica.find(TENANT, PUSH, key).await().indefinitely().isPresent());
        assertThat(replica.credentialIdsOf(TENANT, userId, PUSH).await().indefinitely()).containsExactly(credentialId);
        assertThat(replica.pushTargets(TENANT, userId, List.of(credentialId)).await().indefinitely()).hasSize(1);

        TestCredentials.produce(TestCredentials.event(CredentialEvent.REMOVED, TENANT, credentialId, 2, userId, "push",
                key, t.plusSeconds(1)));
        await().atMost(KeyReplicaTest.EVENT_WAIT)
                .until(() -> replica.find(TENANT, PUSH, key).await().indefinitely().isEmpty());
        assertThat(redis.hash(String.class).hgetall(KeyReplicaStore.keyEntry(TENANT, PUSH, key.fingerprint())))
                .containsEntry("removed", "1").containsEntry("version", "2");
    }
}
