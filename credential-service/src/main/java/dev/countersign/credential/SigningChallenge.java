package dev.countersign.credential;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * A message a push credential signs to prove possession for {@code PATCH …/push} (docs/protocol/wire.md#72-additions-of-the-newer-sdks):
 * issued by {@code POST …/push/sign}, consumed (deleted) by the update that uses it.
 */
@Entity
@Table(name = "credential_signing_challenge")
public class SigningChallenge extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "tenant_id", nullable = false)
    public String tenantId;

    @Column(name = "credential_id", nullable = false)
    public UUID credentialId;

    @Column(nullable = false)
    public String message;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;
}
