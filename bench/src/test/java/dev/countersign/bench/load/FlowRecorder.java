package dev.countersign.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.countersign.bench.resources.ResourceSampler;

/**
 * The measured phase's own record, for the sweep's machine-readable summary: every step's time and
 * every flow's end-to-end time (nanoseconds, kept whole, so the percentiles are exact), failures by
 * the step they happened in, and flows completed per wall-clock second (warm-up included, to see how
 * fast a cold stack reaches its steady rate). Gatling's own report (HTML only) stays as it is.
 */
final class FlowRecorder {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, ConcurrentLinkedQueue<Long>> steps = new ConcurrentSkipListMap<>();
    private final ConcurrentLinkedQueue<Long> flows = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicLong> failures = new ConcurrentSkipListMap<>();
    private final Map<Long, AtomicLong> completedBySecond = new ConcurrentHashMap<>();
    private final AtomicLong measuredStartNanos = new AtomicLong();
    private final AtomicLong lastCompletionNanos = new AtomicLong();
    private volatile long measuredStartEpochMillis;

    void measuredPhaseStarts() {
        if (measuredStartNanos.compareAndSet(0, System.nanoTime())) {
            measuredStartEpochMillis = System.currentTimeMillis();
        }
    }

    void step(String name, long nanos) {
        steps.computeIfAbsent(name, k -> new ConcurrentLinkedQueue<>()).add(nanos);
    }

    void failed(String step) {
        failures.computeIfAbsent(step, k -> new AtomicLong()).incrementAndGet();
    }

    /** A flow that passed every check; {@code measured} false for the warm-up's, which only count per second. */
    void completed(long nanos, boolean measured) {
        completedBySecond.computeIfAbsent(System.currentTimeMillis() / 1000, k -> new AtomicLong()).incrementAndGet();
        if (measured) {
            flows.add(nanos);
            lastCompletionNanos.accumulateAndGet(System.nanoTime(), Math::max);
        }
    }

    long completedMeasured() {
        return flows.size();
    }

    /** Writes the run's summary: settings, rate, percentiles per step and end to end, failures, resources. */
    void write(Path file, LoadSettings settings, Optional<ResourceSampler> sampler, long noFreeUser) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("flow", settings.flow().label);
        root.put("model", settings.rate().isPresent() ? "open" : "closed");
        if (settings.rate().isPresent()) {
            root.put("rate", settings.rate().get());
        } else {
            root.put("concurrency", settings.concurrency());
        }
        root.put("durationSeconds", settings.durationSeconds());
        root.put("warmUpSeconds", settings.warmUpSeconds());
        root.put("users", settings.users());
        root.put("baseUrl", settings.baseUrl());
        root.put("measuredStartEpochMillis", measuredStartEpochMillis);
        long completed = flows.size();
        // From the first measured flow's start to the last one's end: the phase's drain included.
        double seconds = measuredStartNanos.get() == 0 ? 0 : (lastCompletionNanos.get() - measuredStartNanos.get()) / 1e9;
        root.put("measuredSeconds", seconds);
        root.put("completedFlows", completed);
        root.put("flowsPerSecond", seconds > 0 ? completed / seconds : 0);
        long failed = failures.values().stream().mapToLong(AtomicLong::get).sum() + noFreeUser;
        root.put("failedFlows", failed);
        root.put("errorRate", completed + failed == 0 ? 0 : (double) failed / (completed + failed));
        ObjectNode failedBy = root.putObject("failuresByStep");
        failures.forEach((step, n) -> failedBy.put(step, n.get()));
        if (noFreeUser > 0) {
            failedBy.put("no free enrolled user", noFreeUser);
        }
        root.set("endToEnd", percentiles(flows));
        ObjectNode stepsNode = root.putObject("steps");
        steps.forEach((name, times) -> stepsNode.set(name, percentiles(times)));
        ObjectNode resources = root.putObject("resources");
        sampler.ifPresent(s -> {
            resources.put("sampledSeconds", s.elapsedSeconds());
            double totalCpu = 0;
            long totalRss = 0;
            for (Map.Entry<String, ResourceSampler.Usage> e : s.usageByRole().entrySet()) {
                ResourceSampler.Usage u = e.getValue();
                resources.set(e.getKey(), usage(u.cpuSeconds(), u.peakRssKb(), u.processes(), completed, s.elapsedSeconds()));
                totalCpu += u.cpuSeconds();
                totalRss += u.peakRssKb();
            }
            resources.set("total", usage(totalCpu, totalRss, 0, completed, s.elapsedSeconds()));
        });
        ArrayNode timeline = root.putArray("completedPerSecond");
        completedBySecond.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> timeline.addArray().add(e.getKey()).add(e.getValue().get()));
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writeValue(file.toFile(), root);
    }

    private static ObjectNode usage(double cpuSeconds, long rssKb, int processes, long flows, double seconds) {
        ObjectNode node = JSON.createObjectNode();
        node.put("processes", processes);
        node.put("cpuSeconds", cpuSeconds);
        node.put("cpuMsPerFlow", flows == 0 ? 0 : cpuSeconds * 1000 / flows);
        node.put("coresBusy", seconds > 0 ? cpuSeconds / seconds : 0);
        node.put("peakRssMiB", rssKb / 1024.0);
        return node;
    }

    /** Count, mean and nearest-rank percentiles in milliseconds. */
    static ObjectNode percentiles(java.util.Collection<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        ObjectNode node = JSON.createObjectNode();
        node.put("count", sorted.length);
        if (sorted.length == 0) {
            return node;
        }
        node.put("meanMs", Arrays.stream(sorted).average().orElse(0) / 1e6);
        for (int p : List.of(50, 90, 99)) {
            node.put("p" + p + "Ms", sorted[rank(p, sorted.length)] / 1e6);
        }
        node.put("maxMs", sorted[sorted.length - 1] / 1e6);
        return node;
    }

    static int rank(int percentile, int n) {
        return Math.max(0, (int) Math.ceil(percentile / 100.0 * n) - 1);
    }
}
