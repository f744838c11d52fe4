package dev.countersign.credential.repository;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.countersign.credential.SigningChallenge;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;

/** Signing messages for push credential updates; each is deleted by the update that uses it. */
@ApplicationScoped
@WithSession
public class SigningChallengeRepository implements PanacheRepositoryBase<SigningChallenge, UUID> {

    /** The credential's challenge with this id, row-locked, so two updates cannot both consume it. */
    public Uni<SigningChallenge> findOfCredentialForUpdate(String tenantId, UUID credentialId, UUID id) {
        return find("id = :id and tenantId = :tenant and credentialId = :credential",
                Parameters.with("id", id).and("tenant", tenantId).and("credential", credentialId))
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** Unused messages past their deadline are worthless; dropped when the credential asks for a new one. */
    public Uni<Long> deleteExpiredOf(UUID credentialId, Instant now) {
        return delete("credentialId = :credential and expiresAt <= :now",
                Parameters.with("credential", credentialId).and("now", now));
    }
}
