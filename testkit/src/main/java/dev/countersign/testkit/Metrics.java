package dev.countersign.testkit;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import io.restassured.RestAssured;

/**
 * The service's Prometheus metrics as its management port serves them ({@code /q/metrics}). Counters
 * live as long as the JVM, so a test reads a series before and after what it drives and compares.
 */
public final class Metrics {

    private final String text;

    private Metrics(String text) {
        this.text = text;
    }

    /** Metrics from a scrape's text. */
    static Metrics of(String text) {
        return new Metrics(text);
    }

    /** The metrics now. */
    public static Metrics scrape() {
        return new Metrics(Management.given().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    /**
     * The metrics of the processes whose management ports on this host are {@code ports}, as one: each
     * series' {@link #value} is the sum over them (a service's replicas each count their own share).
     */
    public static Metrics scrape(Collection<Integer> ports) {
        StringBuilder text = new StringBuilder();
        for (int port : ports) {
            text.append(RestAssured.given().baseUri("http://127.0.0.1").port(port).get("/q/metrics")
                    .then().statusCode(200).extract().asString()).append('\n');
        }
        return new Metrics(text.toString());
    }

    /**
     * The sum of the series named {@code name} whose labels include {@code labels} (pairs of name and
     * value); 0 when there is none, as Prometheus treats a counter not yet incremented.
     */
    public double value(String name, String... labels) {
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i + 1 < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            int close = line.charAt(name.length()) == '{' ? labelsEnd(line, name.length() + 1) : -1;
            Map<String, String> found = close < 0 ? Map.of() : labels(line.substring(name.length() + 1, close));
            if (found.entrySet().containsAll(wanted.entrySet())) {
                // The value is the first field after the labels; an exemplar may follow it
                // ("# {trace_id=…} 1.0 …", written when a trace was active at the increment).
                String rest = line.substring(close < 0 ? name.length() : close + 1).strip();
                sum += Double.parseDouble(rest.split(" ")[0]);
            }
        }
        return sum;
    }

    /** How much the series grew from {@code before} to these metrics (see {@link #value}). */
    public double since(Metrics before, String name, String... labels) {
        return value(name, labels) - before.value(name, labels);
    }

    /** Whether a series (or its HELP/TYPE lines) named {@code name} is exposed at all. */
    public boolean exposes(String name) {
        return text.contains("\n" + name + "{") || text.contains("\n" + name + " ") || text.startsWith(name)
                || text.contains("# TYPE " + name + " ");
    }

    /** The index of the '}' that closes the label set opened before {@code from}, quotes respected. */
    private static int labelsEnd(String line, int from) {
        boolean quoted = false;
        for (int i = from; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '}' && !quoted) {
                return i;
            }
        }
        throw new IllegalArgumentException("No end of labels in: " + line);
    }

    private static Map<String, String> labels(String inside) {
        Map<String, String> labels = new HashMap<>();
        int i = 0;
        while (i < inside.length()) {
            int eq = inside.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = inside.substring(i, eq).strip();
            StringBuilder value = new StringBuilder();
            int j = eq + 2; // past ="
            while (j < inside.length() && inside.charAt(j) != '"') {
                if (inside.charAt(j) == '\\' && j + 1 < inside.length()) {
                    j++;
                }
                value.append(inside.charAt(j));
                j++;
            }
            labels.put(key, value.toString());
            i = j + 1;
            while (i < inside.length() && (inside.charAt(i) == ',' || inside.charAt(i) == ' ')) {
                i++;
            }
        }
        return labels;
    }
}
