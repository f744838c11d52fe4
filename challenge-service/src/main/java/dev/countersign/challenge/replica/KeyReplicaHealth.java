package dev.countersign.challenge.replica;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.countersign.challenge.config.ChallengeConfig;

/**
 * Readiness reports the key replica's state. An incomplete replica (Redis lost it, the rebuild
 * runs) is still UP while lookups read through to credential-service, so a flushed Redis shared by
 * every replica does not take them all out of service at once; it says so in its data
 * ({@code state: REBUILDING}). With read-through off, an incomplete replica would refuse known
 * devices, so it is DOWN until rebuilt.
 */
@Readiness
@ApplicationScoped
public class KeyReplicaHealth implements HealthCheck {

    private final KeyReplicaRebuild rebuild;
    private final boolean readThrough;

    public KeyReplicaHealth(KeyReplicaRebuild rebuild, ChallengeConfig config) {
        this.rebuild = rebuild;
        this.readThrough = config.keyReplica().readThrough();
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("key-replica")
                .status(readThrough || rebuild.complete())
                .withData("state", rebuild.state().name())
                .withData("readThrough", readThrough)
                .withData("rebuilds", (long) rebuild.rebuilds());
        rebuild.epoch().ifPresent(epoch -> response.withData("epoch", epoch));
        rebuild.lastRebuild().ifPresent(last -> response.withData("lastRebuild", last));
        return response.build();
    }
}
