package dev.countersign.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The charts under deploy/helm, copied into target/ (dependency update writes charts/*.tgz, which
 * must not land in the source tree) and rendered with helm-java, which bundles Helm: no helm
 * binary, no cluster, no network (all dependencies are file://).
 */
final class Charts {

    static final String RELEASE = "cs";
    static final String NAMESPACE = "countersign";
    static final List<String> SERVICES = List.of("credential-service", "challenge-service", "notifier-service");
    static final String UMBRELLA = "countersign";
    static final List<String> APPLICATION_CHARTS = List.of("credential-service", "challenge-service", "notifier-service", UMBRELLA);

    static final YAMLMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = new ObjectMapper();

    static final Path SOURCE = Path.of(System.getProperty("countersign.helm-dir", ".")).toAbsolutePath().normalize();
    static final Path PROJECT_ROOT = Path.of(System.getProperty("countersign.project-root", SOURCE.resolve("../..").toString()))
            .toAbsolutePath().normalize();
    static final Path WORK = SOURCE.resolve("target/helm-test");

    /** One chart rendered with one ci values file. */
    record Render(String chart, Path valuesFile, JsonNode values, List<JsonNode> documents) {

        String name() {
            return chart + " with " + valuesFile.getFileName();
        }

        Stream<JsonNode> ofKind(String kind) {
            return documents.stream().filter(d -> kind.equals(d.path("kind").asText()));
        }

        /** The values a service sees: its own chart's, or its section of the umbrella's. */
        JsonNode serviceValues(String service) {
            return chart.equals(UMBRELLA) ? values.path(service) : values;
        }

        boolean serviceEnabled(String service) {
            return !chart.equals(UMBRELLA) ? chart.equals(service) : values.path(service).path("enabled").asBoolean(true);
        }
    }

    private Charts() {
    }

    /** Copies the charts into target/ and resolves their file:// dependencies, library first. */
    static Path prepare() throws IOException {
        deleteRecursively(WORK);
        Files.createDirectories(WORK);
        for (String chart : Stream.concat(Stream.of("countersign-lib"), APPLICATION_CHARTS.stream()).toList()) {
            copy(SOURCE.resolve(chart), WORK.resolve(chart), false);
        }
        for (String chart : APPLICATION_CHARTS) {
            new Helm(WORK.resolve(chart)).dependency().update().call();
        }
        return WORK;
    }

    static List<Path> valuesFiles(String chart) throws IOException {
        try (Stream<Path> files = Files.list(SOURCE.resolve(chart).resolve("ci"))) {
            return files.filter(f -> f.getFileName().toString().endsWith("-values.yaml")).sorted().toList();
        }
    }

    static Render render(String chart, Path valuesFile) throws IOException {
        String manifest = new Helm(WORK.resolve(chart)).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withValuesFile(valuesFile).call();
        // Kept for a look after a failure: target/helm-test/rendered/<chart>-<values file>.
        Path rendered = Files.createDirectories(WORK.resolve("rendered")).resolve(chart + "-" + valuesFile.getFileName());
        Files.writeString(rendered, manifest);
        return new Render(chart, valuesFile, mergedValues(chart, valuesFile), parse(manifest));
    }

    /** helm lint has no -f here: lint a copy whose values.yaml is the chart's merged with the ci file. */
    static LintResult lint(String chart, Path valuesFile) throws IOException {
        Path copy = WORK.resolve("lint").resolve(chart + "-" + valuesFile.getFileName().toString().replace(".yaml", ""))
                .resolve(chart);
        deleteRecursively(copy);
        copy(WORK.resolve(chart), copy, true);
        YAML.writeValue(copy.resolve("values.yaml").toFile(), mergedValues(chart, valuesFile));
        return new Helm(copy).lint().strict().call();
    }

    static JsonNode mergedValues(String chart, Path valuesFile) throws IOException {
        JsonNode defaults = YAML.readTree(SOURCE.resolve(chart).resolve("values.yaml").toFile());
        JsonNode overrides = YAML.readTree(valuesFile.toFile());
        return merge(defaults.deepCopy(), overrides);
    }

    private static JsonNode merge(JsonNode base, JsonNode overrides) {
        if (!(base instanceof ObjectNode target) || !overrides.isObject()) {
            return overrides;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = target.get(e.getKey());
            target.set(e.getKey(), existing == null ? e.getValue() : merge(existing, e.getValue()));
        }
        return target;
    }

    static List<JsonNode> parse(String manifest) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(manifest)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && doc.isObject() && doc.size() > 0) {
                    documents.add(doc);
                }
            }
        }
        return documents;
    }

    /** Copies a chart; resolved dependencies (charts/*.tgz) only with withDependencies, never a stale one from the source tree. */
    private static void copy(Path from, Path to, boolean withDependencies) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path relative = from.relativize(p);
                if (!withDependencies && relative.startsWith("charts") && p.toString().endsWith(".tgz")) {
                    continue;
                }
                Path target = to.resolve(relative.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
