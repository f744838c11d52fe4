package dev.countersign.local.infra;

/**
 * One server of a run as a fault-injection test sees it: freeze it, thaw it, kill it outright and
 * start it again on the same port. {@link #pause()} and {@link #kill()} take effect at once, without
 * the server's cooperation (SIGSTOP, SIGKILL), as a hung or crashed host would; {@link #restart()}
 * returns once the server serves again. docs/reliability.md lists what each server keeps.
 */
public interface FaultHandle {

    /** The process id the signals go to (for PostgreSQL, the postmaster; its backends follow it). */
    long pid();

    /** SIGSTOP: the process stops being scheduled; its sockets stay open and fill up. */
    default void pause() {
        Signals.send("STOP", pid());
    }

    /** SIGCONT after {@link #pause()}. */
    default void resume() {
        Signals.send("CONT", pid());
    }

    /** SIGKILL, then waits until the process is gone. */
    void kill();

    /** Starts the killed server again, same port and settings, and waits until it serves. */
    void restart();
}
