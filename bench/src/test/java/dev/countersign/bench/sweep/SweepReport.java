package dev.countersign.bench.sweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * Gathers the points of a sweep (every {@code <sweep>/<point>/summary.json} a load run wrote) into one
 * machine-readable summary and draws the charts from it (docs/benchmarks.md#sweep):
 *
 * <pre>java -cp … dev.countersign.bench.sweep.SweepReport &lt;sweep directory&gt; [chart directory]</pre>
 *
 * Writes {@code sweep.json} (the points whole), {@code sweep.csv} and {@code sweep.md} (one row per
 * point and step) into the sweep directory, and PNG charts into the chart directory (the sweep
 * directory unless given): throughput against concurrency for every flow, end-to-end latency
 * percentiles against concurrency per flow, and for the open model latency against the offered rate.
 */
public final class SweepReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String[] PERCENTILES = {"p50Ms", "p90Ms", "p99Ms"};

    private SweepReport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: SweepReport <sweep directory> [chart directory]");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        Path sweep = Path.of(args[0]);
        Path charts = args.length > 1 ? Path.of(args[1]) : sweep;
        List<JsonNode> points = read(sweep);
        if (points.isEmpty()) {
            System.err.println("No */summary.json under " + sweep);
            System.exit(1);
        }
        ArrayNode all = JSON.createArrayNode();
        points.forEach(all::add);
        JSON.writeValue(sweep.resolve("sweep.json").toFile(), all);
        Files.writeString(sweep.resolve("sweep.csv"), csv(points), StandardCharsets.UTF_8);
        Files.writeString(sweep.resolve("sweep.md"), markdown(points), StandardCharsets.UTF_8);
        Files.createDirectories(charts);
        for (Path chart : charts(points, charts)) {
            System.out.println("Chart " + chart);
        }
        System.out.println("Summary " + sweep.resolve("sweep.json") + ", " + sweep.resolve("sweep.csv") + ", " + sweep.resolve("sweep.md"));
    }

    /** The points, by flow, closed model before open, then by concurrency or rate. */
    static List<JsonNode> read(Path sweep) throws IOException {
        List<JsonNode> points = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(sweep)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                Path summary = dir.resolve("summary.json");
                if (Files.exists(summary)) {
                    points.add(JSON.readTree(summary.toFile()));
                }
            }
        }
        points.sort(Comparator.comparing((JsonNode p) -> p.path("flow").asText())
                .thenComparing(p -> p.path("model").asText())
                .thenComparingDouble(SweepReport::load));
        return points;
    }

    private static double load(JsonNode point) {
        return isOpen(point) ? point.path("rate").asDouble() : point.path("concurrency").asDouble();
    }

    private static boolean isOpen(JsonNode point) {
        return "open".equals(point.path("model").asText());
    }

    private static String loadLabel(JsonNode point) {
        return isOpen(point) ? fmt("%.0f/s offered", point.path("rate").asDouble()) : point.path("concurrency").asInt() + " concurrent";
    }

    // --- tables ------------------------------------------------------------------------------------

    static String csv(List<JsonNode> points) {
        StringBuilder out = new StringBuilder(
                "flow,model,concurrency,rate,step,count,mean_ms,p50_ms,p90_ms,p99_ms,max_ms,flows_per_s,failed_flows,error_rate\n");
        for (JsonNode p : points) {
            for (Map.Entry<String, JsonNode> row : rows(p).entrySet()) {
                JsonNode t = row.getValue();
                out.append(String.join(",", p.path("flow").asText(), p.path("model").asText(),
                        p.has("concurrency") ? p.get("concurrency").asText() : "", p.has("rate") ? p.get("rate").asText() : "",
                        '"' + row.getKey() + '"', t.path("count").asText(), num(t, "meanMs"), num(t, "p50Ms"), num(t, "p90Ms"),
                        num(t, "p99Ms"), num(t, "maxMs"), fmt("%.2f", p.path("flowsPerSecond").asDouble()),
                        p.path("failedFlows").asText(), fmt("%.5f", p.path("errorRate").asDouble()))).append('\n');
            }
        }
        return out.toString();
    }

    /** Per point: a headline row, its steps and end to end, and its processes' CPU and memory per flow. */
    static String markdown(List<JsonNode> points) {
        StringBuilder out = new StringBuilder();
        out.append("| Flow | Load | Flows/s | Failed flows | End to end p50 / p90 / p99 ms | Server CPU ms per flow | Peak RSS MiB (largest service) |\n");
        out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (JsonNode p : points) {
            JsonNode e2e = p.path("endToEnd");
            JsonNode total = p.path("resources").path("total");
            out.append(fmt("| %s | %s | %.1f | %d | %s / %s / %s | %s | %s |%n", p.path("flow").asText(), loadLabel(p),
                    p.path("flowsPerSecond").asDouble(), p.path("failedFlows").asLong(), num(e2e, "p50Ms"), num(e2e, "p90Ms"),
                    num(e2e, "p99Ms"), total.isMissingNode() ? "n/a" : fmt("%.2f", total.path("cpuMsPerFlow").asDouble()),
                    largestService(p)));
        }
        for (JsonNode p : points) {
            out.append(fmt("%n#### %s, %s: %.1f flows/s, %d completed, %d failed%n%n", p.path("flow").asText(), loadLabel(p),
                    p.path("flowsPerSecond").asDouble(), p.path("completedFlows").asLong(), p.path("failedFlows").asLong()));
            out.append("| Step | Count | Mean ms | p50 ms | p90 ms | p99 ms | Max ms |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            rows(p).forEach((name, t) -> out.append(fmt("| %s | %d | %s | %s | %s | %s | %s |%n", name, t.path("count").asLong(),
                    num(t, "meanMs"), num(t, "p50Ms"), num(t, "p90Ms"), num(t, "p99Ms"), num(t, "maxMs"))));
            JsonNode resources = p.path("resources");
            if (resources.size() > 0) {
                out.append("\n| Process | CPU s | CPU ms per flow | Cores busy | Peak RSS MiB |\n| --- | ---: | ---: | ---: | ---: |\n");
                for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> r = it.next();
                    if (r.getValue().isObject()) {
                        JsonNode u = r.getValue();
                        out.append(fmt("| %s | %.2f | %.2f | %.2f | %.0f |%n", r.getKey(), u.path("cpuSeconds").asDouble(),
                                u.path("cpuMsPerFlow").asDouble(), u.path("coresBusy").asDouble(), u.path("peakRssMiB").asDouble()));
                    }
                }
            }
            if (p.path("failuresByStep").size() > 0) {
                out.append("\nFailures by step: ").append(p.path("failuresByStep")).append('\n');
            }
        }
        return out.toString();
    }

    private static String largestService(JsonNode p) {
        double max = 0;
        for (String service : List.of("challenge-service", "credential-service", "notifier-service")) {
            max = Math.max(max, p.path("resources").path(service).path("peakRssMiB").asDouble());
        }
        return max == 0 ? "n/a" : fmt("%.0f", max);
    }

    /** The steps in flow order, then end to end. */
    private static Map<String, JsonNode> rows(JsonNode point) {
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        point.path("steps").fields().forEachRemaining(e -> rows.put(e.getKey(), e.getValue()));
        rows.put("end to end", point.path("endToEnd"));
        return rows;
    }

    // --- charts ------------------------------------------------------------------------------------

    static List<Path> charts(List<JsonNode> points, Path dir) throws IOException {
        List<Path> written = new ArrayList<>();
        TreeSet<String> flows = new TreeSet<>();
        points.forEach(p -> flows.add(p.path("flow").asText()));

        XYChart throughput = chart("Throughput, closed model", "Concurrent flows", "Completed flows per second");
        throughput.getStyler().setXAxisLogarithmic(true);
        for (String flow : flows) {
            List<JsonNode> closed = select(points, flow, false);
            if (!closed.isEmpty()) {
                throughput.addSeries(flow, values(closed, p -> p.path("concurrency").asDouble()),
                        values(closed, p -> p.path("flowsPerSecond").asDouble()));
            }
        }
        if (!throughput.getSeriesMap().isEmpty()) {
            written.add(save(throughput, dir.resolve("throughput-vs-concurrency")));
        }
        for (String flow : flows) {
            List<JsonNode> closed = select(points, flow, false);
            if (!closed.isEmpty()) {
                XYChart latency = percentileChart(flow + ": end-to-end latency, closed model", "Concurrent flows", closed,
                        p -> p.path("concurrency").asDouble());
                latency.getStyler().setXAxisLogarithmic(true);
                written.add(save(latency, dir.resolve("latency-vs-concurrency-" + flow)));
            }
            List<JsonNode> open = select(points, flow, true);
            if (!open.isEmpty()) {
                XYChart latency = percentileChart(flow + ": end-to-end latency, open model", "Offered flows per second", open,
                        p -> p.path("rate").asDouble());
                written.add(save(latency, dir.resolve("latency-vs-rate-" + flow)));
                XYChart achieved = chart(flow + ": achieved against offered rate, open model", "Offered flows per second",
                        "Completed flows per second");
                double[] offered = values(open, p -> p.path("rate").asDouble());
                achieved.addSeries("offered", offered, offered).setMarker(SeriesMarkers.NONE);
                achieved.addSeries("completed", offered, values(open, p -> p.path("flowsPerSecond").asDouble()));
                written.add(save(achieved, dir.resolve("throughput-vs-rate-" + flow)));
            }
        }
        return written;
    }

    private static XYChart percentileChart(String title, String xTitle, List<JsonNode> points, ToDoubleFunction<JsonNode> x) {
        XYChart chart = chart(title, xTitle, "Milliseconds");
        for (String p : PERCENTILES) {
            chart.addSeries(p.replace("Ms", ""), values(points, x), values(points, n -> n.path("endToEnd").path(p).asDouble()));
        }
        return chart;
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(800).height(480).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setYAxisMin(0.0);
        return chart;
    }

    private static Path save(XYChart chart, Path withoutExtension) throws IOException {
        BitmapEncoder.saveBitmap(chart, withoutExtension.toString(), BitmapEncoder.BitmapFormat.PNG);
        return Path.of(withoutExtension + ".png");
    }

    private static List<JsonNode> select(List<JsonNode> points, String flow, boolean open) {
        return points.stream().filter(p -> p.path("flow").asText().equals(flow) && isOpen(p) == open).toList();
    }

    private static double[] values(List<JsonNode> points, ToDoubleFunction<JsonNode> f) {
        return points.stream().mapToDouble(f).toArray();
    }

    private static String num(JsonNode node, String field) {
        return node.has(field) ? fmt("%.1f", node.get(field).asDouble()) : "";
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
