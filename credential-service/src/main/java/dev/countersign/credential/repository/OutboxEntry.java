package dev.countersign.credential.repository;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import dev.countersign.common.event.CredentialEvent;
import dev.countersign.common.tracing.TraceContext;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * An event waiting to be published, written in the transaction of the change it describes, so a
 * committed change can never lose its event. The relayer deletes it once Kafka has acknowledged it.
 */
@Entity
@Table(name = "credential_outbox")
public class OutboxEntry extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long seq;

    @Column(name = "event_id", nullable = false)
    public UUID eventId;

    @Column(name = "aggregate_id", nullable = false)
    public UUID aggregateId;

    @Column(nullable = false)
    public String type;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public CredentialEvent payload;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** The trace of the change's request, continued when the relay publishes (null when not traced). */
    @Column
    public String traceparent;

    public static OutboxEntry of(CredentialEvent event) {
        OutboxEntry entry = new OutboxEntry();
        entry.eventId = UUID.fromString(event.eventId());
        entry.aggregateId = UUID.fromString(event.credentialId());
        entry.type = event.type();
        entry.payload = event;
        entry.createdAt = event.occurredAt();
        entry.traceparent = TraceContext.current().orElse(null);
        return entry;
    }
}
