package dev.countersign.bench.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a service's time goes, from a JFR recording (JDK 17 has no {@code jfr view}):
 *
 * <pre>java -cp … dev.countersign.bench.sweep.JfrTop &lt;recording.jfr&gt; [rows] [prefix …]</pre>
 *
 * Prints the methods most often on top of the stack in {@code jdk.ExecutionSample} (self time), the
 * packages they belong to, the Countersign methods most often on a sampled stack at all (total
 * time), the top frames of {@code jdk.ObjectAllocationSample} weighted by the bytes they stand for,
 * and the garbage collector's pauses. For each prefix given (a package or class), the share of
 * samples with a frame of it among the {@value #NEAR_TOP} topmost: what that code costs itself and
 * in what it calls directly. Shares of the whole stack would say little for code that wraps every
 * callback, such as context propagation.
 */
public final class JfrTop {

    /** How deep below the top a frame still counts as the sample's own cost for a prefix. */
    static final int NEAR_TOP = 4;

    private JfrTop() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        List<String> prefixes = args.length > 2 ? List.of(args).subList(2, args.length) : List.of();
        Map<String, Long> nearTop = new HashMap<>();
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> selfPackage = new HashMap<>();
        Map<String, Long> ownTotal = new HashMap<>();
        Map<String, Long> allocation = new HashMap<>();
        long samples = 0;
        long allocated = 0;
        long gcs = 0;
        Duration gcPause = Duration.ZERO;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            String type = event.getEventType().getName();
            switch (type) {
                case "jdk.ExecutionSample" -> {
                    RecordedStackTrace stack = event.getStackTrace();
                    if (stack == null || stack.getFrames().isEmpty()) {
                        continue;
                    }
                    samples++;
                    RecordedMethod top = stack.getFrames().get(0).getMethod();
                    self.merge(name(top), 1L, Long::sum);
                    selfPackage.merge(packageOf(top), 1L, Long::sum);
                    // Each Countersign method once per sample, however deep it recurses.
                    stack.getFrames().stream().map(RecordedFrame::getMethod).map(JfrTop::name)
                            .filter(n -> n.startsWith("dev.countersign.")).distinct()
                            .forEach(n -> ownTotal.merge(n, 1L, Long::sum));
                    List<String> topmost = stack.getFrames().stream().limit(NEAR_TOP).map(f -> name(f.getMethod())).toList();
                    prefixes.stream().filter(p -> topmost.stream().anyMatch(n -> n.startsWith(p)))
                            .forEach(p -> nearTop.merge(p, 1L, Long::sum));
                }
                case "jdk.ObjectAllocationSample" -> {
                    long weight = event.getLong("weight");
                    allocated += weight;
                    RecordedStackTrace stack = event.getStackTrace();
                    String site = stack == null ? "?" : firstFrame(stack.getFrames(), f -> true);
                    String own = stack == null ? "" : firstFrame(stack.getFrames(), n -> n.startsWith("dev.countersign."));
                    allocation.merge(site + (own.isEmpty() || own.equals(site) ? "" : "  ← " + own), weight, Long::sum);
                }
                case "jdk.GarbageCollection" -> {
                    gcs++;
                    gcPause = gcPause.plus(event.getDuration("sumOfPauses"));
                }
                default -> {
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d execution samples, allocation weight %.0f MiB (JFR's estimate), %d collections, %d ms paused%n%n",
                file.getFileName(), samples, allocated / 1048576.0, gcs, gcPause.toMillis());
        print("Hot methods (self, top of stack)", self, samples, rows, "%");
        print("Hot packages (self)", selfPackage, samples, rows, "%");
        print("Countersign methods on the stack (total)", ownTotal, samples, rows, "%");
        print("Allocation by top frame (← first Countersign frame)", allocation, allocated, rows, "% of bytes");
        if (!prefixes.isEmpty()) {
            print("Samples with a frame of … among the " + NEAR_TOP + " topmost", nearTop, samples, prefixes.size(), "%");
        }
    }

    private static String firstFrame(List<RecordedFrame> frames, Predicate<String> accept) {
        return frames.stream().map(f -> name(f.getMethod())).filter(accept).findFirst().orElse("");
    }

    private static void print(String title, Map<String, Long> counts, long total, int rows, String unit) {
        System.out.println("## " + title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(rows)
                .forEach(e -> System.out.printf(Locale.ROOT, "%6.2f %s  %s%n", 100.0 * e.getValue() / Math.max(total, 1), unit, e.getKey()));
        System.out.println();
    }

    private static String name(RecordedMethod method) {
        return method.getType().getName() + "." + method.getName();
    }

    private static String packageOf(RecordedMethod method) {
        String type = method.getType().getName();
        int dot = type.lastIndexOf('.');
        return dot < 0 ? "(default)" : type.substring(0, dot);
    }
}
