package dev.countersign.testkit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server process of the test infrastructure stopped with {@code SIGSTOP} until {@link #close}
 * continues it ({@code SIGCONT}): a stall rather than a crash — connections stay open, nothing
 * answers — which is how a frozen VM, a long GC pause or a hung disk looks to a client. Use in
 * try-with-resources so the server always runs again.
 */
public final class FrozenProcess implements AutoCloseable {

    /** The system property {@link RealInfrastructure} sets to the pid of the PostgreSQL server it started. */
    public static final String POSTGRES_PID_PROPERTY = "testkit.postgres-pid";

    private final List<Long> pids;

    private FrozenProcess(List<Long> pids) {
        this.pids = pids;
        pids.forEach(pid -> signal("STOP", pid));
    }

    private FrozenProcess(long pid) {
        this(List.of(pid));
    }

    /** Freezes the Kafka broker {@link RealInfrastructure} started (a child JVM of this one). */
    public static FrozenProcess kafka() {
        return new FrozenProcess(descendant("dev.countersign.local.infra.KafkaBrokerMain"));
    }

    /**
     * Freezes the PostgreSQL server {@link RealInfrastructure} started: its postmaster and every
     * backend (the connections a pool holds are served by the backends, not the postmaster).
     */
    public static FrozenProcess postgres() {
        String pid = System.getProperty(POSTGRES_PID_PROPERTY);
        if (pid == null) {
            throw new IllegalStateException("No PostgreSQL of this test run (is the infrastructure external?)");
        }
        ProcessHandle postmaster = ProcessHandle.of(Long.parseLong(pid))
                .orElseThrow(() -> new IllegalStateException("PostgreSQL " + pid + " is not running"));
        List<Long> tree = new ArrayList<>();
        // The postmaster first, so it forks no new backend while the others are stopped.
        tree.add(postmaster.pid());
        postmaster.descendants().forEach(child -> tree.add(child.pid()));
        return new FrozenProcess(tree);
    }

    /** The pid of this JVM's descendant whose command line contains {@code marker}. */
    public static long descendant(String marker) {
        return ProcessHandle.current().descendants()
                .filter(process -> process.info().commandLine().map(line -> line.contains(marker)).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst()
                .orElseThrow(() -> new IllegalStateException("No process of this test run runs " + marker
                        + " (is the infrastructure external?)"));
    }

    @Override
    public void close() {
        pids.forEach(pid -> signal("CONT", pid));
    }

    private static void signal(String name, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("kill -" + name + " " + pid + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted signalling " + pid, e);
        }
    }
}
