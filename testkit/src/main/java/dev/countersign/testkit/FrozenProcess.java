package dev.countersign.testkit;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * A server process of the test infrastructure stopped with {@code SIGSTOP} until {@link #close}
 * continues it ({@code SIGCONT}): a stall rather than a crash — connections stay open, nothing
 * answers — which is how a frozen VM, a long GC pause or a hung disk looks to a client. Use in
 * try-with-resources so the server always runs again.
 */
public final class FrozenProcess implements AutoCloseable {

    private final long pid;

    private FrozenProcess(long pid) {
        this.pid = pid;
        signal("STOP");
    }

    /** Freezes the Kafka broker {@link RealInfrastructure} started (a child JVM of this one). */
    public static FrozenProcess kafka() {
        return new FrozenProcess(descendant("dev.countersign.local.infra.KafkaBrokerMain"));
    }

    /** Freezes the process {@code pid} (a PostgreSQL backend or its postmaster, say). */
    public static FrozenProcess of(long pid) {
        return new FrozenProcess(pid);
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
        signal("CONT");
    }

    private void signal(String name) {
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
