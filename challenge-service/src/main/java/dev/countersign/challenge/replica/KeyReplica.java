package dev.countersign.challenge.replica;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.challenge.config.ChallengeConfig;
import dev.countersign.challenge.replica.KeyReplicaStore.Change;
import dev.countersign.challenge.replica.KeyReplicaStore.Entry;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.event.PushTarget;
import io.smallrye.mutiny.Uni;

/**
 * The public keys challenge-service checks device signatures against (a replica fed by
 * {@code credential-events}: docs/architecture.md#credentials-events-and-the-key-replica). A key the replica has never heard of is looked up at
 * credential-service, when read-through is on; a removed key is refused without asking, which is
 * how a removal takes effect here within the time an event takes to arrive.
 */
@ApplicationScoped
public class KeyReplica {

    private final KeyReplicaStore store;
    private final CredentialServiceClient credentialService;
    private final boolean readThrough;
    private final Clock clock;

    public KeyReplica(KeyReplicaStore store, CredentialServiceClient credentialService, ChallengeConfig config,
            Clock clock) {
        this.store = store;
        this.credentialService = credentialService;
        this.readThrough = config.keyReplica().readThrough();
        this.clock = clock;
    }

    /** The active credential of this key among {@code kinds} (in that order), else 404 invalid_credential. */
    public Uni<ReplicaCredential> require(String tenantId, DevicePublicKey key, List<CredentialKind> kinds) {
        Uni<Optional<ReplicaCredential>> found = Uni.createFrom().item(Optional.empty());
        for (CredentialKind kind : kinds) {
            found = found.flatMap(previous -> previous.isPresent() ? Uni.createFrom().item(previous)
                    : find(tenantId, kind, key));
        }
        return found.map(credential -> credential.orElseThrow(
                () -> new ApiException(ErrorCode.INVALID_CREDENTIAL, "Unknown or removed credential")));
    }

    /**
     * How a device proves it answers: its key is an active credential among {@code kinds} (else 404
     * invalid_credential) and {@code signature} is that key's signature of {@code message} (else 401).
     */
    public Uni<ReplicaCredential> signer(String tenantId, DevicePublicKey key, String message, String signature,
            List<CredentialKind> kinds) {
        return require(tenantId, key, kinds).map(credential -> {
            if (!key.verifies(message, signature)) {
                throw new ApiException(ErrorCode.UNAUTHORIZED, "Invalid signature");
            }
            return credential;
        });
    }

    /** The active credential with this key in the tenant, if any. */
    public Uni<Optional<ReplicaCredential>> find(String tenantId, CredentialKind kind, DevicePublicKey key) {
        String fingerprint = key.fingerprint();
        return store.find(tenantId, kind, fingerprint).flatMap(entry -> {
            if (entry.isPresent() || !readThrough) {
                return Uni.createFrom().item(entry.flatMap(this::active));
            }
            return credentialService.find(tenantId, kind, key).flatMap(answer -> {
                if (answer.isEmpty()) {
                    return Uni.createFrom().item(Optional.<ReplicaCredential>empty());
                }
                CredentialServiceClient.Answer found = answer.get();
                Change change = new Change(tenantId, found.credentialId(), found.version(),
                        found.userId(), kind, key.spkiBase64(), false, found.expiresAtMillis());
                // Through the same versioned script as events: an event that landed meanwhile wins.
                Uni<Void> applied = apply(change, fingerprint, Optional.empty());
                if (kind == CredentialKind.PUSH) {
                    // The push target as the event path records it (versioned too), so a device whose
                    // event has not arrived yet still gets its APNs/FCM notification.
                    applied = applied.flatMap(done -> applyPushTarget(tenantId, found.userId(),
                            found.credentialId(), found.version(), found.devicePlatform(), found.pushToken()));
                }
                return applied
                        .flatMap(written -> store.find(tenantId, kind, fingerprint))
                        .map(stored -> stored.flatMap(this::active));
            });
        });
    }

    /** The kinds of the user's active (not removed, not expired) credentials, each once, in {@link CredentialKind} order. */
    public Uni<List<CredentialKind>> kindsOf(String tenantId, String userId) {
        return store.activeKinds(tenantId, userId, clock.millis())
                .map(kinds -> kinds.stream().distinct().sorted().toList());
    }

    /** The ids of the user's active (not removed, not expired) credentials of one kind, as the events reported them. */
    public Uni<List<String>> credentialIdsOf(String tenantId, String userId, CredentialKind kind) {
        return store.activeCredentialIds(tenantId, userId, kind, clock.millis());
    }

    /** Applies one credential change to both the key entry and the user's index. */
    public Uni<Void> apply(Change change, String fingerprint, Optional<Long> occurredAtMillis) {
        return store.applyToKey(fingerprint, change, occurredAtMillis)
                .flatMap(written -> store.applyToUser(change))
                .replaceWithVoid();
    }

    /** Records a push credential's delivery data (platform, token) from a credential event. */
    public Uni<Void> applyPushTarget(String tenantId, String userId, String credentialId, long version,
            String platform, String pushToken) {
        return store.applyPushTarget(tenantId, userId, credentialId, version, platform, pushToken).replaceWithVoid();
    }

    /** Where the notifier reaches each of {@code credentialIds} that has a push token. */
    public Uni<List<PushTarget>> pushTargets(String tenantId, String userId, List<String> credentialIds) {
        return store.pushTargets(tenantId, userId, credentialIds);
    }

    /** A removed or expired credential (until renewed with resetExpiry) answers nothing. */
    private Optional<ReplicaCredential> active(Entry entry) {
        if (entry.removed() || (entry.expiresAtMillis() != null && entry.expiresAtMillis() <= clock.millis())) {
            return Optional.empty();
        }
        return Optional.of(new ReplicaCredential(entry.credentialId(), entry.tenantId(), entry.userId(), entry.kind(),
                entry.publicKey(), entry.version()));
    }
}
