package dev.countersign.credential;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.event.AttestationVerdict;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * A device credential: the public key of one feature's key pair on one device, bound to a tenant's
 * user. Removal keeps the row ({@link #removedAt}) and bumps {@link #version}, like every change,
 * so events about it can be ordered by consumers.
 */
@Entity
@Table(name = "credential")
public class Credential extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "tenant_id", nullable = false)
    public String tenantId;

    @Column(name = "user_id", nullable = false)
    public String userId;

    /** The wire name ({@link CredentialKind#wireName()}), as the table's check constraint lists them. */
    @Column(nullable = false)
    public String kind;

    /** Canonical SPKI base64 ({@code DevicePublicKey.spkiBase64()}). */
    @Column(name = "public_key", nullable = false)
    public String publicKey;

    @Column(name = "device_name")
    public String deviceName;

    @Column(name = "device_platform")
    public String devicePlatform;

    @Column(name = "push_token")
    public String pushToken;

    @JdbcTypeCode(SqlTypes.JSON)
    public Attestation attestation;

    /** What checking {@link #attestation} concluded; null when the tenant's mode was {@code off}. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "attestation_verdict")
    public AttestationVerdict attestationVerdict;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "last_verified_at")
    public Instant lastVerifiedAt;

    @Column(name = "removed_at")
    public Instant removedAt;

    /** After this the credential answers no challenge until renewed (resetExpiry); null = never. */
    @Column(name = "expires_at")
    public Instant expiresAt;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "device_metadata")
    public DeviceMetadata deviceMetadata;

    /** Set by the service, not JPA's optimistic locking: it is the event version consumers compare. */
    @Column(nullable = false)
    public long version;

    public CredentialKind credentialKind() {
        return CredentialKind.fromWireName(kind).orElseThrow();
    }

    public boolean isActive() {
        return removedAt == null;
    }

    public boolean isExpiredAt(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }
}
