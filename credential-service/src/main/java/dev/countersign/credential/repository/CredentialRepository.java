package dev.countersign.credential.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.credential.Credential;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Credentials in PostgreSQL. Lookups by key see active credentials only: a removed key is unknown. */
@ApplicationScoped
@WithSession
public class CredentialRepository implements PanacheRepositoryBase<Credential, UUID> {

    /** Namespace of the per-user advisory locks (two-int form, apart from the relayer's bigint lock). */
    private static final int USER_LOCK_NAMESPACE = 0x43726564;

    private static final String ACTIVE_KEY =
            "tenantId = :tenant and kind = :kind and publicKey = :key and removedAt is null";

    public Uni<Credential> findActiveByKey(String tenantId, CredentialKind kind, String publicKey) {
        return find(ACTIVE_KEY, keyParameters(tenantId, kind, publicKey)).firstResult();
    }

    /** As {@link #findActiveByKey}, row-locked until the transaction ends (concurrent removals queue). */
    public Uni<Credential> findActiveByKeyForUpdate(String tenantId, CredentialKind kind, String publicKey) {
        return find(ACTIVE_KEY, keyParameters(tenantId, kind, publicKey))
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    public Uni<Credential> findActiveOfUserForUpdate(String tenantId, String userId, UUID id) {
        return find("id = :id and tenantId = :tenant and userId = :user and removedAt is null",
                Parameters.with("id", id).and("tenant", tenantId).and("user", userId))
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    public Uni<Credential> findActiveForUpdate(String tenantId, UUID id) {
        return find("id = :id and tenantId = :tenant and removedAt is null",
                Parameters.with("id", id).and("tenant", tenantId))
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    public Uni<Long> countActiveOfUser(String tenantId, String userId) {
        return count("tenantId = :tenant and userId = :user and removedAt is null",
                Parameters.with("tenant", tenantId).and("user", userId));
    }

    public Uni<List<Credential>> listActiveOfUser(String tenantId, String userId) {
        return list("tenantId = :tenant and userId = :user and removedAt is null",
                Sort.by("createdAt").and("id"), Parameters.with("tenant", tenantId).and("user", userId));
    }

    /**
     * Moves the credential's {@code lastVerifiedAt} forward to {@code at}; an earlier or equal
     * instant, another tenant's id or an unknown id changes no row. Removed credentials keep the
     * time too: the approval happened while they were active. Answers the rows changed (0 or 1).
     */
    public Uni<Integer> moveLastVerifiedForward(String tenantId, UUID id, Instant at) {
        return update("lastVerifiedAt = :at where id = :id and tenantId = :tenant"
                + " and (lastVerifiedAt is null or lastVerifiedAt < :at)",
                Parameters.with("at", at).and("id", id).and("tenant", tenantId));
    }

    /**
     * Serialises enrolments of one user until the transaction ends, so two devices enrolling at once
     * cannot both pass the "first credential needs no add:authenticators" rule.
     */
    public Uni<Void> lockUser(String tenantId, String userId) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select count(*) from (select pg_advisory_xact_lock(:namespace, hashtext(:user))) l",
                        Long.class)
                .setParameter("namespace", USER_LOCK_NAMESPACE)
                // Length-prefixed, so no tenant/user pair can spell another pair.
                .setParameter("user", tenantId.length() + ":" + tenantId + ":" + userId)
                .getSingleResult())
                .replaceWithVoid();
    }

    /**
     * Records that an attestation nonce was used for {@code credentialId}; answers false when it was
     * used before. {@code on conflict do nothing} rather than a unique-violation error, so a reused
     * nonce is never mistaken for a concurrent enrolment of the same key.
     */
    public Uni<Boolean> recordNonceUse(String nonceId, String tenantId, UUID credentialId, Instant at) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("insert into attestation_nonce_use (nonce_id, tenant_id, credential_id, used_at)"
                        + " values (:nonce, :tenant, :credential, :at) on conflict (nonce_id) do nothing")
                .setParameter("nonce", nonceId)
                .setParameter("tenant", tenantId)
                .setParameter("credential", credentialId)
                .setParameter("at", at)
                .executeUpdate())
                .map(inserted -> inserted == 1);
    }

    /**
     * Records that a remove signature (key, window, r) removed {@code credentialId}; answers false
     * when it was used before, so a replayed body cannot remove the key enrolled again. Primary
     * key plus {@code on conflict do nothing}: of two concurrent replays exactly one records it.
     */
    public Uni<Boolean> recordRemoveSignatureUse(String keySha256, long window, String signatureR, UUID credentialId,
            Instant expiresAt) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("insert into remove_signature_use"
                        + " (key_sha256, time_window, signature_r, credential_id, expires_at)"
                        + " values (:key, :window, :r, :credential, :expires) on conflict do nothing")
                .setParameter("key", keySha256)
                .setParameter("window", window)
                .setParameter("r", signatureR)
                .setParameter("credential", credentialId)
                .setParameter("expires", expiresAt)
                .executeUpdate())
                .map(inserted -> inserted == 1);
    }

    /**
     * Drops up to 100 used remove signatures whose window no replica accepts any more. Rows another
     * removal is purging are skipped rather than waited for, so removals never queue on the purge.
     */
    public Uni<Integer> purgeRemoveSignatureUses(Instant now) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("delete from remove_signature_use where (key_sha256, time_window, signature_r) in"
                        + " (select key_sha256, time_window, signature_r from remove_signature_use"
                        + " where expires_at <= :now limit 100 for update skip locked)")
                .setParameter("now", now)
                .executeUpdate());
    }

    private static Parameters keyParameters(String tenantId, CredentialKind kind, String publicKey) {
        return Parameters.with("tenant", tenantId).and("kind", kind.wireName()).and("key", publicKey);
    }
}
