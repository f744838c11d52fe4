package dev.countersign.local.infra;

/** A server running as a child process of this JVM (the Kafka broker, each service): its fault handle. */
public abstract class ChildProcess implements FaultHandle {

    /** The running process; replaced by a restart. */
    protected volatile Process process;

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public void kill() {
        Signals.killAndReap(process);
    }
}
