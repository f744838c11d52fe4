package dev.countersign.local.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * What stops a run's processes and removes its directory when the launcher dies without running
 * its shutdown hook (SIGKILL, a crash): a small shell process that waits on a pipe from the
 * launcher. A normal stop writes {@code done} into it; end of input without that means the
 * launcher is gone, so it terminates the processes recorded in {@code pids} (then kills what is
 * left after 20 s) and removes the run directory. The PostgreSQL server, detached by pg_ctl, is
 * no child of the launcher, hence the recorded ids rather than the process tree.
 */
final class Watchdog implements AutoCloseable {

    private static final String SCRIPT = """
            trap '' INT HUP
            if read -r line && [ "$line" = done ]; then exit 0; fi
            dir=$1
            pids=$(cat "$dir/pids" 2>/dev/null)
            if [ -n "$pids" ]; then
              kill $pids 2>/dev/null
              i=0
              while [ $i -lt 100 ]; do
                alive=
                for p in $pids; do kill -0 "$p" 2>/dev/null && alive=1; done
                [ -z "$alive" ] && break
                sleep 0.2
                i=$((i + 1))
              done
              kill -9 $pids 2>/dev/null
            fi
            rm -rf "$dir"
            """;

    private final Process process;
    private final Path runDirectory;

    private Watchdog(Process process, Path runDirectory) {
        this.process = process;
        this.runDirectory = runDirectory;
    }

    static Watchdog start(Path runDirectory) {
        try {
            Process process = new ProcessBuilder("sh", "-c", SCRIPT, "countersign-watchdog", runDirectory.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return new Watchdog(process, runDirectory);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the run's watchdog", e);
        }
    }

    /**
     * Records the processes to stop if the launcher dies: every descendant of this JVM but the
     * watchdog, and {@code detached} (servers that left the process tree).
     */
    synchronized void record(Collection<Long> detached) {
        String pids = java.util.stream.Stream.concat(
                ProcessHandle.current().descendants()
                        .filter(p -> p.pid() != process.pid())
                        .filter(p -> p.parent().map(parent -> parent.pid() != process.pid()).orElse(true))
                        .map(ProcessHandle::pid),
                detached.stream())
                .distinct().map(String::valueOf).collect(Collectors.joining(" "));
        try {
            // Written whole then moved, so the watchdog never reads half a list.
            Path next = Files.writeString(runDirectory.resolve("pids.next"), pids + "\n");
            Files.move(next, runDirectory.resolve("pids"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            System.err.println("Countersign: cannot record the run's processes for its watchdog: " + e);
        }
    }

    /** The launcher stopped everything itself: the watchdog ends without doing anything. */
    @Override
    public synchronized void close() {
        try (OutputStream in = process.getOutputStream()) {
            in.write("done\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // already gone
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
