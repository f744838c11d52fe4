package dev.countersign.local.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** POSIX signals to processes by id, through {@code kill(1)}: the JDK sends only TERM and KILL, and only to its children. */
public final class Signals {

    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    private Signals() {
    }

    /** Sends {@code signal} (STOP, CONT, KILL) to each process; fails if one of them does not exist. */
    public static void send(String signal, List<Long> pids) {
        if (pids.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(pid -> command.add(String.valueOf(pid)));
        try {
            Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes());
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pids + " failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while signalling " + pids, e);
        }
    }

    public static void send(String signal, long pid) {
        send(signal, List.of(pid));
    }

    /** The process and all its descendants, the process first (a snapshot). */
    public static List<Long> tree(long pid) {
        List<Long> pids = new ArrayList<>(List.of(pid));
        ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
        return pids;
    }

    /** SIGKILL to a child process and its descendants; returns once the JDK has reaped it, so {@code isAlive()} agrees. */
    public static void killAndReap(Process process) {
        killTree(process.pid());
        try {
            process.waitFor(EXIT_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL to the process and its descendants, then waits until each has exited. */
    public static void killTree(long pid) {
        List<Optional<ProcessHandle>> handles = tree(pid).stream().map(ProcessHandle::of).toList();
        handles.forEach(h -> h.ifPresent(ProcessHandle::destroyForcibly));
        // destroyForcibly is SIGKILL for any process on Linux, not only children; be sure with kill(1).
        List<Long> alive = handles.stream().flatMap(Optional::stream).map(ProcessHandle::pid).filter(Signals::isRunning).toList();
        try {
            send("KILL", alive);
        } catch (IllegalStateException alreadyGone) {
            // one exited meanwhile
        }
        Instant deadline = Instant.now().plus(EXIT_TIMEOUT);
        while (handles.stream().flatMap(Optional::stream).map(ProcessHandle::pid).anyMatch(Signals::isRunning)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Still alive " + EXIT_TIMEOUT.toSeconds() + " s after SIGKILL: " + pid);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Whether the process exists and is no zombie: an orphan's exit (a PostgreSQL backend) is reaped
     * by PID 1, which in a container may never do it, and a zombie counts as alive to the JDK.
     */
    public static boolean isRunning(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            // "pid (comm) S ...": the state follows the last ')', as comm may hold one.
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }
}
