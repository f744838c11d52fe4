package dev.countersign.challenge.replica;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.challenge.config.ChallengeConfig;
import dev.countersign.challenge.metrics.ChallengeMetrics;
import dev.countersign.challenge.replica.KeyReplicaStore.Change;
import dev.countersign.challenge.replica.KeyReplicaStore.Entry;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.audit.AuthFailure;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.event.PushTarget;
import io.smallrye.mutiny.Uni;

/**
 * The public keys challenge-service checks device signatures against (a replica fed by
 * {@code credential-events}: docs/architecture.md#credentials-events-and-the-key-replica). A key the replica has never heard of is looked up at
 * credential-service, when read-through is on; a removed key is refused without asking, which is
 * how a removal takes effect here within the time an event takes to arrive. While the replica is
 * not known to be whole ({@link KeyReplicaRebuild}: Redis lost it and the rebuild has not finished),
 * credential-service answers every lookup but a tombstone's: an entry may then be an old event the
 * rebuild has not yet overtaken, and a user's index may lack credentials.
 */
@ApplicationScoped
public class KeyReplica {

    private final KeyReplicaStore store;
    private final CredentialServiceClient credentialService;
    private final boolean readThrough;
    private final Clock clock;
    private final KeyReplicaRebuild rebuild;
    private final ChallengeMetrics metrics;

    public KeyReplica(KeyReplicaStore store, CredentialServiceClient credentialService, ChallengeConfig config,
            Clock clock, KeyReplicaRebuild rebuild, ChallengeMetrics metrics) {
        this.metrics = metrics;
        this.store = store;
        this.credentialService = credentialService;
        this.readThrough = config.keyReplica().readThrough();
        this.clock = clock;
        this.rebuild = rebuild;
    }

    /** Whether lookups must ask credential-service whatever the replica holds. */
    private boolean incomplete() {
        return readThrough && !rebuild.complete();
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
                throw ApiException.authentication(ErrorCode.UNAUTHORIZED, AuthFailure.BAD_SIGNATURE, "Invalid signature");
            }
            return credential;
        });
    }

    /** The active credential with this key in the tenant, if any. */
    public Uni<Optional<ReplicaCredential>> find(String tenantId, CredentialKind kind, DevicePublicKey key) {
        String fingerprint = key.fingerprint();
        return store.find(tenantId, kind, fingerprint).flatMap(entry -> {
            // A tombstone is trusted even in an incomplete replica: refusing is never the unsafe guess.
            boolean trusted = !incomplete() || entry.map(Entry::removed).orElse(false);
            if ((entry.isPresent() && trusted) || !readThrough) {
                return Uni.createFrom().item(entry.flatMap(this::active));
            }
            metrics.replicaReadThrough("key");
            return credentialService.find(tenantId, kind, key).flatMap(answer -> {
                if (answer.isEmpty()) {
                    return Uni.createFrom().item(Optional.<ReplicaCredential>empty());
                }
                // Through the same versioned script as events: an event that landed meanwhile wins.
                Uni<Void> applied = record(tenantId, kind, key, answer.get());
                return applied
                        .flatMap(written -> store.find(tenantId, kind, fingerprint))
                        .map(stored -> stored.flatMap(this::active));
            });
        });
    }

    /**
     * The kinds of the user's active (not removed, not expired) credentials, each once, in
     * {@link CredentialKind} order. When the index has none, credential-service is asked first (see
     * {@link #readThroughUser}); should it fail, the index's answer stands, since track's
     * {@code isEnrolled} is advice to the page, not a verification.
     */
    public Uni<List<CredentialKind>> kindsOf(String tenantId, String userId) {
        if (incomplete()) {
            return listedAndActive(tenantId, userId)
                    .map(active -> active.values().stream().distinct().sorted().toList())
                    .onFailure(ApiException.class).recoverWithUni(failure -> activeKinds(tenantId, userId));
        }
        return activeKinds(tenantId, userId).flatMap(kinds -> !kinds.isEmpty() || !readThrough
                ? Uni.createFrom().item(kinds)
                : readThroughUser(tenantId, userId).flatMap(done -> activeKinds(tenantId, userId))
                        .onFailure(ApiException.class).recoverWithItem(kinds));
    }

    private Uni<List<CredentialKind>> activeKinds(String tenantId, String userId) {
        return store.activeKinds(tenantId, userId, clock.millis())
                .map(kinds -> kinds.stream().distinct().sorted().toList());
    }

    /**
     * The ids of the user's active (not removed, not expired) credentials of one kind. When the
     * index has none, or lacks {@code wanted}, credential-service is asked before answering (see
     * {@link #readThroughUser}); its failure is 503, as for a key.
     */
    public Uni<List<String>> credentialIdsOf(String tenantId, String userId, CredentialKind kind,
            Optional<String> wanted) {
        if (incomplete()) {
            return listedAndActive(tenantId, userId).map(active -> active.entrySet().stream()
                    .filter(credential -> credential.getValue() == kind).map(Map.Entry::getKey)
                    .sorted().toList());
        }
        return store.activeCredentialIds(tenantId, userId, kind, clock.millis()).flatMap(ids -> {
            boolean complete = !ids.isEmpty() && wanted.map(ids::contains).orElse(true);
            if (complete || !readThrough) {
                return Uni.createFrom().item(ids);
            }
            return readThroughUser(tenantId, userId)
                    .flatMap(done -> store.activeCredentialIds(tenantId, userId, kind, clock.millis()));
        });
    }

    /** {@link #credentialIdsOf(String, String, CredentialKind, Optional)} with no particular credential wanted. */
    public Uni<List<String>> credentialIdsOf(String tenantId, String userId, CredentialKind kind) {
        return credentialIdsOf(tenantId, userId, kind, Optional.empty());
    }

    /**
     * Read-your-writes for lookups by user: a credential added a moment ago may not have reached
     * the index through its event yet. credential-service's list of the user's credentials is
     * written through the same versioned scripts as events (key entry, user index, push target),
     * so an event that landed meanwhile, a removal above all, still wins.
     */
    private Uni<Set<String>> readThroughUser(String tenantId, String userId) {
        metrics.replicaReadThrough("user");
        return credentialService.listOfUser(tenantId, userId).flatMap(listed -> {
            Uni<Void> applied = Uni.createFrom().voidItem();
            for (CredentialServiceClient.UserCredential credential : listed) {
                applied = applied.flatMap(done -> record(tenantId, credential.kind(), credential.key(),
                        credential.answer()));
            }
            Set<String> ids = listed.stream().map(credential -> credential.answer().credentialId())
                    .collect(Collectors.toSet());
            return applied.replaceWith(ids);
        });
    }

    /**
     * The user's credentials while the replica is incomplete: those credential-service lists now
     * (recorded like events, so the replica fills as it is used) that the replica, after that, holds
     * as active; a removal an event brought meanwhile still wins, and an older event a rebuild
     * replayed is not believed. Answers credential id → kind.
     */
    private Uni<Map<String, CredentialKind>> listedAndActive(String tenantId, String userId) {
        return readThroughUser(tenantId, userId)
                .flatMap(listed -> store.activeCredentials(tenantId, userId, clock.millis()).map(active -> {
                    active.keySet().retainAll(listed);
                    return active;
                }));
    }

    /** Writes one of credential-service's answers like an event without a time (it never displaces one). */
    private Uni<Void> record(String tenantId, CredentialKind kind, DevicePublicKey key,
            CredentialServiceClient.Answer found) {
        Change change = new Change(tenantId, found.credentialId(), found.version(), found.userId(), kind,
                key.spkiBase64(), false, found.expiresAtMillis());
        Uni<Void> applied = apply(change, key.fingerprint(), Optional.empty());
        if (kind == CredentialKind.PUSH) {
            // The push target as the event path records it (versioned too), so a device whose
            // event has not arrived yet still gets its APNs/FCM notification.
            applied = applied.flatMap(done -> applyPushTarget(tenantId, found.userId(), found.credentialId(),
                    found.version(), found.devicePlatform(), found.pushToken()));
        }
        return applied;
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
