package dev.countersign.local.edge;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The public routing table of {@code routes.yaml} (docs/architecture.md#routing), matched the way the
 * Kubernetes Ingress matches it: by whole path segments, the longest entry winning.
 */
public final class RouteTable {

    /** One entry; {@code path} is the prefix or the pattern text as written in the file. */
    public record Route(String path, boolean pattern, String service) {

        /** A concrete path this route serves (pattern segments filled in), for probes and tests. */
        public String samplePath() {
            return pattern ? path.replace("[^/]+", "sample") : path;
        }
    }

    private record CompiledRoute(Route route, Pattern regex) {
    }

    private final List<CompiledRoute> routes;
    private final List<String> services;

    private RouteTable(List<CompiledRoute> routes, List<String> services) {
        this.routes = routes;
        this.services = services;
    }

    public static RouteTable load() {
        try (InputStream in = RouteTable.class.getResourceAsStream("/routes.yaml")) {
            if (in == null) {
                throw new IllegalStateException("routes.yaml is not on the classpath");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static RouteTable parse(InputStream yaml) {
        Map<String, Object> root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        List<String> services = List.copyOf(((Map<String, Object>) root.get("services")).keySet());
        List<CompiledRoute> routes = new ArrayList<>();
        for (Map<String, Object> entry : (List<Map<String, Object>>) root.get("routes")) {
            String service = (String) entry.get("service");
            if (!services.contains(service)) {
                throw new IllegalArgumentException("routes.yaml: unknown service " + service);
            }
            boolean isPattern = entry.containsKey("pattern");
            String path = (String) (isPattern ? entry.get("pattern") : entry.get("prefix"));
            if (path == null || !path.startsWith("/")) {
                throw new IllegalArgumentException("routes.yaml: each route needs an absolute prefix or pattern");
            }
            String head = isPattern ? path : Pattern.quote(path);
            routes.add(new CompiledRoute(new Route(path, isPattern, service),
                    Pattern.compile(head + "(/.*)?")));
        }
        routes.sort(Comparator.comparingInt((CompiledRoute r) -> r.route().path().length()).reversed());
        return new RouteTable(List.copyOf(routes), services);
    }

    /** The service that serves {@code path}, or empty when the path is not public. */
    public Optional<String> serviceFor(String path) {
        for (CompiledRoute r : routes) {
            if (r.regex().matcher(path).matches()) {
                return Optional.of(r.route().service());
            }
        }
        return Optional.empty();
    }

    public List<Route> routes() {
        return routes.stream().map(CompiledRoute::route).toList();
    }

    public List<String> services() {
        return services;
    }
}
