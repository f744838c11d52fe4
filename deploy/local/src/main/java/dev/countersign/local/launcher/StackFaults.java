package dev.countersign.local.launcher;

import java.util.List;

import dev.countersign.local.infra.FaultHandle;
import dev.countersign.local.infra.LocalInfrastructure;

/**
 * The fault handles of one {@link CountersignStack}: each server it started and each service process,
 * to pause (SIGSTOP) and resume, kill (SIGKILL) and restart on the same port with the same settings.
 * Redis runs without persistence, so it restarts empty; Kafka and PostgreSQL keep their data. Only
 * servers the stack started itself have handles (not an existing one named in the settings).
 */
public final class StackFaults {

    private final LocalInfrastructure infrastructure;
    private final List<ServiceProcess> services;
    private final Runnable recordPids;

    StackFaults(LocalInfrastructure infrastructure, List<ServiceProcess> services, Runnable recordPids) {
        this.infrastructure = infrastructure;
        this.services = services;
        this.recordPids = recordPids;
    }

    public FaultHandle kafka() {
        return recorded(infrastructure.kafkaBroker().orElseThrow(() -> notStarted("Kafka")));
    }

    public FaultHandle redis() {
        return recorded(infrastructure.redis().orElseThrow(() -> notStarted("Redis")));
    }

    public FaultHandle postgres() {
        return recorded(infrastructure.postgres().orElseThrow(() -> notStarted("PostgreSQL")));
    }

    public FaultHandle credentialService() {
        return service(CountersignService.CREDENTIAL, 1);
    }

    public FaultHandle challengeService() {
        return service(CountersignService.CHALLENGE, 1);
    }

    /** A notifier replica, 1 being the one behind the edge (in the order of {@link CountersignStack#notifierPorts()}). */
    public FaultHandle notifier(int replica) {
        return service(CountersignService.NOTIFIER, replica);
    }

    private FaultHandle service(CountersignService service, int replica) {
        List<ServiceProcess> replicas = services.stream().filter(s -> s.service() == service).toList();
        if (replica < 1 || replica > replicas.size()) {
            throw new IllegalArgumentException(service.serviceName() + " has " + replicas.size() + " replicas, not " + replica);
        }
        return recorded(replicas.get(replica - 1));
    }

    /** After a restart the run's watchdog must know the new process ids (a restarted server is a new process). */
    private FaultHandle recorded(FaultHandle handle) {
        return new FaultHandle() {
            @Override
            public long pid() {
                return handle.pid();
            }

            @Override
            public void pause() {
                handle.pause();
            }

            @Override
            public void resume() {
                handle.resume();
            }

            @Override
            public void kill() {
                handle.kill();
            }

            @Override
            public void restart() {
                handle.restart();
                recordPids.run();
            }
        };
    }

    private static IllegalStateException notStarted(String server) {
        return new IllegalStateException(server + " was not started by this stack (an existing server was named)");
    }
}
