package dev.countersign.bench.resources;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * CPU time and peak memory of the run command's processes during a load run, from {@code /proc}
 * (Linux only): {@code utime + stime} of {@code /proc/<pid>/stat} and {@code VmHWM} of
 * {@code /proc/<pid>/status}. The processes are the launcher (which also runs the edge) and
 * everything under it — the three services, Kafka, Redis — plus the PostgreSQL server, which
 * pg_ctl detaches, found through the run directory's {@code pids} file the launcher's watchdog
 * reads, and its backends. Sampled every second, so processes that come and go (PostgreSQL
 * backends) are counted too. Another stack on the same machine (a test run's) is not counted.
 */
public final class ResourceSampler implements AutoCloseable {

    private static final Path PROC = Path.of("/proc");
    private static final String LAUNCHER_JAR = "countersign-local-launcher.jar";
    private static final String WATCHDOG = "countersign-watchdog";

    private final long launcherPid;
    private final double ticksPerSecond;
    private final Map<Long, Sample> first = new HashMap<>();
    private final Map<Long, Sample> last = new HashMap<>();
    private final Map<Long, Long> peakRssKb = new HashMap<>();
    private final Map<Long, String> roles = new HashMap<>();
    private final Set<Long> seenBeforeStart = new HashSet<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "resource-sampler");
        t.setDaemon(true);
        return t;
    });
    private long startNanos;
    private long stopNanos;

    private ResourceSampler(long launcherPid, double ticksPerSecond) {
        this.launcherPid = launcherPid;
        this.ticksPerSecond = ticksPerSecond;
    }

    /**
     * A sampler of the launcher {@code launcherPid}, or of the one launcher running on this machine
     * when it is empty; none when there is no such launcher (a remote stack) or no {@code /proc}.
     */
    public static Optional<ResourceSampler> forLauncher(Optional<Long> launcherPid) {
        if (!Files.isDirectory(PROC)) {
            return Optional.empty();
        }
        Optional<Long> pid = launcherPid.or(() -> {
            List<Long> launchers = pids().stream().filter(p -> commandLine(p).contains(LAUNCHER_JAR)).toList();
            return launchers.size() == 1 ? Optional.of(launchers.get(0)) : Optional.empty();
        });
        return pid.map(p -> new ResourceSampler(p, clockTicks()));
    }

    public long launcherPid() {
        return launcherPid;
    }

    /** Takes the first sample now and then one every second until {@link #stop()}. */
    public synchronized void start() {
        startNanos = System.nanoTime();
        for (long pid : stackPids()) {
            seenBeforeStart.add(pid);
            read(pid).ifPresent(s -> first.put(pid, s));
        }
        sample();
        timer.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
    }

    /** Takes the last sample. */
    public synchronized void stop() {
        timer.shutdownNow();
        sample();
        stopNanos = System.nanoTime();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private synchronized void sample() {
        for (long pid : stackPids()) {
            Optional<Sample> sample = read(pid);
            if (sample.isEmpty()) {
                continue;
            }
            // A process that started after the first sample spent all its CPU time during the run.
            first.putIfAbsent(pid, seenBeforeStart.contains(pid) ? sample.get() : new Sample(0, 0));
            last.put(pid, sample.get());
            peakRssKb.merge(pid, sample.get().hwmKb(), Math::max);
            roles.computeIfAbsent(pid, ResourceSampler::role);
        }
    }

    /** CPU seconds spent during the run and the highest VmHWM seen, per role (a role's processes summed). */
    public synchronized Map<String, Usage> usageByRole() {
        Map<String, Usage> byRole = new TreeMap<>();
        for (Map.Entry<Long, Sample> entry : last.entrySet()) {
            long pid = entry.getKey();
            double cpu = (entry.getValue().cpuTicks() - first.get(pid).cpuTicks()) / ticksPerSecond;
            Usage usage = new Usage(cpu, peakRssKb.getOrDefault(pid, 0L), 1);
            byRole.merge(roles.get(pid), usage, Usage::plus);
        }
        return byRole;
    }

    public synchronized double elapsedSeconds() {
        return (stopNanos - startNanos) / 1e9;
    }

    /** The figures as a Markdown table: per role and in total, per completed flow. */
    public String report(String title, long completedFlows) {
        Map<String, Usage> byRole = usageByRole();
        StringBuilder out = new StringBuilder();
        out.append("# ").append(title).append("\n\n");
        out.append(String.format(Locale.ROOT, "Launcher pid %d; %.1f s sampled; %d completed flows (%.1f per second).%n%n",
                launcherPid, elapsedSeconds(), completedFlows, completedFlows / Math.max(elapsedSeconds(), 1e-9)));
        out.append("| Process | Processes | CPU s | CPU ms per flow | Cores busy | Peak RSS (VmHWM) MiB |\n");
        out.append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
        Usage total = new Usage(0, 0, 0);
        for (Map.Entry<String, Usage> entry : byRole.entrySet()) {
            out.append(row(entry.getKey(), entry.getValue(), completedFlows));
            total = total.plus(entry.getValue());
        }
        out.append(row("**total**", total, completedFlows));
        out.append("\nPeak RSS of a role with several processes (PostgreSQL's backends) is the sum of each one's"
                + " peak, shared memory counted more than once; VmHWM is the peak since the process started.\n");
        return out.toString();
    }

    private String row(String role, Usage usage, long flows) {
        return String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %.0f |%n", role, usage.processes(), usage.cpuSeconds(),
                flows == 0 ? 0.0 : usage.cpuSeconds() * 1000 / flows, usage.cpuSeconds() / Math.max(elapsedSeconds(), 1e-9),
                usage.peakRssKb() / 1024.0);
    }

    public void writeReport(Path file, String title, long completedFlows) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, report(title, completedFlows), StandardCharsets.UTF_8);
    }

    /** The launcher, its descendants, the processes its watchdog would stop, and theirs. */
    private Set<Long> stackPids() {
        Map<Long, List<Long>> children = new HashMap<>();
        for (long pid : pids()) {
            parent(pid).ifPresent(parent -> children.computeIfAbsent(parent, k -> new ArrayList<>()).add(pid));
        }
        Set<Long> stack = new LinkedHashSet<>();
        descendants(launcherPid, children, stack);
        for (long pid : List.copyOf(stack)) {
            String cmd = commandLine(pid);
            int at = cmd.indexOf(WATCHDOG + " ");
            if (at >= 0) {
                Path recorded = Path.of(cmd.substring(at + WATCHDOG.length() + 1).strip(), "pids");
                for (long detached : recordedPids(recorded)) {
                    descendants(detached, children, stack);
                }
            }
        }
        return stack;
    }

    private static void descendants(long pid, Map<Long, List<Long>> children, Set<Long> into) {
        if (into.add(pid)) {
            for (long child : children.getOrDefault(pid, List.of())) {
                descendants(child, children, into);
            }
        }
    }

    private static List<Long> recordedPids(Path file) {
        try {
            return Stream.of(Files.readString(file).strip().split("\\s+")).filter(s -> s.matches("\\d+")).map(Long::valueOf).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** What a process is, from its command line. */
    static String role(long pid) {
        return roleOf(commandLine(pid));
    }

    static String roleOf(String cmd) {
        if (cmd.contains(LAUNCHER_JAR)) {
            return "launcher + edge";
        }
        for (String service : List.of("credential-service", "challenge-service", "notifier-service")) {
            if (cmd.contains(service + "/target/quarkus-app/quarkus-run.jar")) {
                return service;
            }
        }
        if (cmd.contains("KafkaBrokerMain") || cmd.contains("kafka")) {
            return "kafka";
        }
        if (cmd.contains("redis-server")) {
            return "redis-server";
        }
        if (cmd.startsWith("postgres") || cmd.contains("/bin/postgres")) {
            return "postgres";
        }
        if (cmd.contains(WATCHDOG)) {
            return "watchdog";
        }
        return "other";
    }

    private static List<Long> pids() {
        try (Stream<Path> entries = Files.list(PROC)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .map(Long::valueOf).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(PROC.resolve(pid + "/cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static Optional<Long> parent(long pid) {
        return stat(pid).map(fields -> Long.parseLong(fields[1]));
    }

    /** The fields of {@code /proc/<pid>/stat} after the command name (which may hold spaces): state is [0], ppid [1]. */
    private static Optional<String[]> stat(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(pid + "/stat"));
            return Optional.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<Sample> read(long pid) {
        Optional<String[]> fields = stat(pid);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        // utime and stime are fields 14 and 15 of stat(5); [0] here is field 3.
        long ticks = Long.parseLong(fields.get()[11]) + Long.parseLong(fields.get()[12]);
        long hwm = 0;
        try {
            for (String line : Files.readAllLines(PROC.resolve(pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    hwm = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.of(new Sample(ticks, hwm));
    }

    private static double clockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            return getconf.waitFor() == 0 ? Double.parseDouble(out) : 100;
        } catch (IOException | RuntimeException e) {
            return 100; // USER_HZ on every Linux this runs on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    private record Sample(long cpuTicks, long hwmKb) {
    }

    /** CPU seconds during the run and peak resident memory of one role's processes. */
    public record Usage(double cpuSeconds, long peakRssKb, int processes) {

        Usage plus(Usage other) {
            return new Usage(cpuSeconds + other.cpuSeconds, peakRssKb + other.peakRssKb, processes + other.processes);
        }
    }
}
