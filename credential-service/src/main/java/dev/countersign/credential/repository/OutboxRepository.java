package dev.countersign.credential.repository;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.common.event.CredentialEvent;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/** The outbox side of a change: call it inside the change's transaction. */
@ApplicationScoped
@WithSession
public class OutboxRepository implements PanacheRepositoryBase<OutboxEntry, Long> {

    public Uni<OutboxEntry> append(CredentialEvent event) {
        return persist(OutboxEntry.of(event));
    }
}
