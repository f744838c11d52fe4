package dev.countersign.local.launcher;

import static dev.countersign.local.infra.InfrastructureSettings.setting;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.countersign.local.edge.Edge;
import dev.countersign.local.edge.RouteTable;
import dev.countersign.local.infra.FreePorts;
import dev.countersign.local.infra.InfrastructureEndpoints;
import dev.countersign.local.infra.LocalInfrastructure;
import dev.countersign.local.infra.RunDirectory;

/**
 * Everything the run command brings up — real Kafka, PostgreSQL and Redis, the three packaged
 * services as processes (prod profile) and the edge — and takes down again on {@link #close()}.
 * The end-to-end tests start the same thing.
 */
public final class CountersignStack implements AutoCloseable {

    /** Loopback: the services trust {@code X-Forwarded-For} only from the edge (and, later, the notifier). */
    private static final String TRUSTED_PROXIES = "127.0.0.1/32,::1/128";

    private final RunDirectory runDirectory;
    private final Watchdog watchdog;
    private LocalInfrastructure infrastructure;
    private final List<ServiceProcess> services = new ArrayList<>();
    private Edge edge;
    private DemoSecrets secrets;
    private TenantAttestation attestation = TenantAttestation.NONE;

    public CountersignStack() {
        this.runDirectory = RunDirectory.create("countersign-run-");
        this.watchdog = Watchdog.start(runDirectory.path());
    }

    public static CountersignStack start(StackSettings settings) {
        return new CountersignStack().startWith(settings);
    }

    /** Starts everything with these tenant attestation policies (end-to-end tests: the test authorities'). */
    public static CountersignStack start(StackSettings settings, TenantAttestation attestation) {
        return new CountersignStack().startWith(settings, attestation);
    }

    /** Starts everything, the tenants' attestation policies read from the environment; on failure stops what was started and rethrows. */
    public CountersignStack startWith(StackSettings settings) {
        try {
            return startWith(settings, TenantAttestation.fromEnvironment(settings.tenantIds()));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Starts everything; on failure stops what was started and rethrows. */
    public CountersignStack startWith(StackSettings settings, TenantAttestation attestation) {
        try {
            this.attestation = attestation;
            startAll(settings);
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startAll(StackSettings settings) {
        infrastructure = LocalInfrastructure.start(runDirectory.path().resolve("infra"), settings.infrastructure());
        watchdog.record(infrastructure.detachedPids());
        secrets = DemoSecrets.generate(settings.tenantIds());

        Map<CountersignService, Integer> ports = new EnumMap<>(CountersignService.class);
        for (CountersignService service : CountersignService.values()) {
            ports.put(service, FreePorts.pick());
        }
        for (CountersignService service : CountersignService.values()) {
            services.add(ServiceProcess.start(service, service.jar(settings.projectRoot()), ports.get(service),
                    environment(service, settings, infrastructure.endpoints(), ports),
                    tenantProperties(settings),
                    settings.logDir().orElse(runDirectory.path().resolve("logs"))));
        }
        // Further notifier replicas: same configuration, own port and log; each is its own Kafka
        // consumer for the kiosk sockets (a per-replica group), and they share the push deliveries.
        for (int replica = 2; replica <= settings.notifierReplicas(); replica++) {
            CountersignService notifier = CountersignService.NOTIFIER;
            services.add(ServiceProcess.start(notifier, notifier.jar(settings.projectRoot()), FreePorts.pick(),
                    FreePorts.pick(), environment(notifier, settings, infrastructure.endpoints(), ports),
                    tenantProperties(settings),
                    settings.logDir().orElse(runDirectory.path().resolve("logs")), notifier.serviceName() + "-" + replica));
        }
        watchdog.record(infrastructure.detachedPids());
        try {
            CompletableFuture.allOf(services.stream()
                    .map(s -> CompletableFuture.runAsync(s::awaitReady))
                    .toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }

        Map<String, InetSocketAddress> addresses = new HashMap<>();
        for (ServiceProcess s : services) {
            addresses.putIfAbsent(s.service().serviceName(), new InetSocketAddress("127.0.0.1", s.port()));
        }
        edge = Edge.start("127.0.0.1", settings.edgePort(), RouteTable.load(), addresses);
    }

    /** Every tenant: public values only (the secret's hash, the browser origins, the same for all). */
    private Map<String, String> tenantProperties(StackSettings settings) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (DemoSecrets.TenantSecret tenant : secrets.tenants()) {
            String prefix = "countersign.tenants.\"" + tenant.tenantId() + "\".";
            properties.put(prefix + "secret-sha256", tenant.secretKeySha256());
            settings.allowedOrigins().ifPresent(origins -> properties.put(prefix + "allowed-origins", origins));
        }
        return properties;
    }

    /**
     * {@code COUNTERSIGN_LOG_FORMAT}: {@code text} (the default) or {@code json}, the services' console
     * logs as one JSON object per line (docs/observability.md#logs). Said explicitly either way, so a
     * {@code QUARKUS_LOG_CONSOLE_JSON_ENABLED} left in the shell does not decide it.
     */
    static Map<String, String> logFormatEnvironment(String format) {
        return switch (format.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "json" -> Map.of("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true");
            case "text" -> Map.of("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
            default -> throw new IllegalArgumentException("COUNTERSIGN_LOG_FORMAT must be text or json, not '" + format + "'");
        };
    }

    /** The configuration each service gets, all through its environment (no files, nothing committed). */
    private Map<String, String> environment(CountersignService service, StackSettings settings,
            InfrastructureEndpoints endpoints, Map<CountersignService, Integer> ports) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_PROFILE", "prod");
        env.put("KAFKA_BOOTSTRAP_SERVERS", endpoints.kafkaBootstrapServers());
        env.putAll(clientAddressEnvironment());
        env.putAll(routingEnvironment());
        env.putAll(logFormatEnvironment(setting("COUNTERSIGN_LOG_FORMAT", "countersign.log-format").orElse("text")));
        if (settings.benchmark()) {
            env.putAll(benchmarkEnvironment(service));
        }
        env.put("COUNTERSIGN_SERVICES_CREDENTIAL_URL", "http://127.0.0.1:" + ports.get(CountersignService.CREDENTIAL));
        env.put("COUNTERSIGN_SERVICES_CHALLENGE_URL", "http://127.0.0.1:" + ports.get(CountersignService.CHALLENGE));
        env.put("COUNTERSIGN_TOKENS_PUBLIC_KEYS", secrets.publicKeyPem());
        // The same fresh secret for every service: challenge-service sends it to credential-service's /internal/*.
        env.put("COUNTERSIGN_INTERNAL_SECRET", secrets.internalSecret());
        switch (service) {
            case CREDENTIAL -> {
                env.put("QUARKUS_DATASOURCE_REACTIVE_URL", endpoints.postgres().reactiveUrl());
                env.put("QUARKUS_DATASOURCE_JDBC_URL", endpoints.postgres().jdbcUrl());
                env.put("QUARKUS_DATASOURCE_USERNAME", endpoints.postgres().username());
                env.put("QUARKUS_DATASOURCE_PASSWORD", endpoints.postgres().password());
                // Play response keys among them: the environment, never system properties.
                env.putAll(attestation.credentialEnvironment());
            }
            case CHALLENGE -> {
                env.put("QUARKUS_REDIS_HOSTS", endpoints.redisUrl());
                env.put("COUNTERSIGN_TOKENS_SIGNING_KEY", secrets.signingKeyPem());
            }
            case NOTIFIER -> settings.webhookUrl().ifPresent(url -> {
                // Kafka only otherwise: the notifier keeps no state. Authsignal signs webhooks
                // with the tenant's secret key, so the demo tenant's is the webhook secret — in
                // the environment, never a system property (a process listing shows those).
                env.put(tenantVariable("WEBHOOK_URL"), url);
                env.put(tenantVariable("WEBHOOK_SECRET"), secrets.secretKey());
            });
        }
        if (service == CountersignService.NOTIFIER) {
            // APNs / FCM (keys included) through the environment as well, as given.
            env.putAll(settings.pushChannels());
        }
        env.putAll(tracingEnvironment(settings));
        return env;
    }

    /**
     * Tracing (docs/observability.md#tracing): the standard OTLP endpoint variable when one is set,
     * which turns tracing on in every service (common's TracingSwitch); nothing otherwise.
     */
    static Map<String, String> tracingEnvironment(StackSettings settings) {
        return settings.otlpEndpoint().map(url -> Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", url)).orElse(Map.of());
    }

    /**
     * The benchmark profile ({@code COUNTERSIGN_BENCHMARK=true}, docs/benchmarks.md): a load generator
     * on this machine comes through the edge as one address (127.0.0.1 in X-Forwarded-For) and starts
     * thousands of challenges a minute, so every initiation budget is raised far above what a run
     * spends. The budgets are still checked and counted (same scripts, same keys); nothing is switched off.
     */
    static Map<String, String> benchmarkEnvironment(CountersignService service) {
        return switch (service) {
            case CHALLENGE -> Map.of(
                    "COUNTERSIGN_CHALLENGE_LIMITS_USER_PUSHES", BENCHMARK_BUDGET,
                    "COUNTERSIGN_CHALLENGE_LIMITS_IP_PUSHES", BENCHMARK_BUDGET,
                    "COUNTERSIGN_CHALLENGE_QR_CODE_IP_CHALLENGES", BENCHMARK_BUDGET,
                    "COUNTERSIGN_CHALLENGE_QR_CODE_TRACKED_IP_CHALLENGES", BENCHMARK_BUDGET,
                    "COUNTERSIGN_CHALLENGE_QR_CODE_USER_CHALLENGES", BENCHMARK_BUDGET,
                    "COUNTERSIGN_CHALLENGE_IN_APP_IP_CHALLENGES", BENCHMARK_BUDGET);
            case NOTIFIER -> Map.of(
                    "COUNTERSIGN_NOTIFIER_KIOSK_MAX_SOCKETS_PER_ADDRESS", BENCHMARK_BUDGET,
                    "COUNTERSIGN_NOTIFIER_KIOSK_CREATE_CHALLENGE_BURST", BENCHMARK_BUDGET);
            case CREDENTIAL -> Map.of();
        };
    }

    /** Per window: well above a benchmark run, far below an overflow. */
    private static final String BENCHMARK_BUDGET = "1000000";

    /** Every response names its service, which is how the end-to-end tests prove the edge's routes. */
    static Map<String, String> routingEnvironment() {
        return Map.of("COUNTERSIGN_SERVICE_NAME_HEADER", "true");
    }

    /**
     * How every service names clients here: the edge on the loopback is a trusted proxy, and tools
     * on this machine calling a service's port directly (the device CLI, curl) spend no per-address
     * budget; what comes through the edge is counted by its X-Forwarded-For address.
     */
    static Map<String, String> clientAddressEnvironment() {
        return Map.of("COUNTERSIGN_TRUSTED_PROXIES", TRUSTED_PROXIES, "COUNTERSIGN_EXEMPT_LOOPBACK_PEERS", "true");
    }

    /**
     * The environment variable of {@code countersign.tenants."<demo tenant>".<key>}: SmallRye looks a
     * known map key's property up under this name (non-alphanumerics → '_', upper case); the map
     * key itself is known from the system property carrying the secret's hash.
     */
    private String tenantVariable(String key) {
        return ("COUNTERSIGN_TENANTS__" + secrets.tenantId() + "__" + key).replaceAll("[^A-Za-z0-9]", "_")
                .toUpperCase(java.util.Locale.ROOT);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + edge.port() + "/v1";
    }

    public int edgePort() {
        return edge.port();
    }

    /** Each service's API port, by service name (the first replica's): what the edge forwards to. */
    public Map<String, Integer> servicePorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        services.forEach(s -> ports.putIfAbsent(s.service().serviceName(), s.port()));
        return ports;
    }

    /** Each service's management port ({@code /q/*}: health, metrics), by service name; a second replica's is left out. */
    public Map<String, Integer> managementPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        services.forEach(s -> ports.putIfAbsent(s.service().serviceName(), s.managementPort()));
        return ports;
    }

    /** Each notifier replica's management port, in the order of {@link #notifierPorts()}: a replica's metrics are its own. */
    public List<Integer> notifierManagementPorts() {
        return services.stream().filter(s -> s.service() == CountersignService.NOTIFIER).map(ServiceProcess::managementPort).toList();
    }

    /** The {@code countersign.internal.secret} this run gave every service. */
    public String internalSecret() {
        return secrets.internalSecret();
    }

    /** Each notifier replica's own port, the first being the one behind the edge. */
    public List<Integer> notifierPorts() {
        return services.stream().filter(s -> s.service() == CountersignService.NOTIFIER).map(ServiceProcess::port).toList();
    }

    public String tenantId() {
        return secrets.tenantId();
    }

    public String secretKey() {
        return secrets.secretKey();
    }

    /** Every tenant this run configured with its secret key, the demo tenant first. */
    public List<DemoSecrets.TenantSecret> tenants() {
        return secrets.tenants();
    }

    /** The token signing key this run generated: end-to-end tests mint tokens the clients cannot (expired ones). */
    public String tokenSigningKeyPem() {
        return secrets.signingKeyPem();
    }

    /**
     * Handles to freeze, kill and restart each server and service process of this run (fault-injection
     * tests; docs/reliability.md). Nothing in the run uses them itself.
     */
    public StackFaults faults() {
        return new StackFaults(infrastructure, List.copyOf(services), () -> watchdog.record(infrastructure.detachedPids()));
    }

    /** The PostgreSQL this run uses: end-to-end tests query what credential-service stored. */
    public dev.countersign.local.infra.PostgresEndpoint postgres() {
        return infrastructure.endpoints().postgres();
    }

    /** A service's log file: {@code credential-service}, {@code notifier-service-2} for the second notifier replica. */
    public java.nio.file.Path serviceLog(String logName) {
        return services.stream().map(ServiceProcess::log)
                .filter(log -> log.getFileName().toString().equals(logName + ".log")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No service logs as " + logName));
    }

    /** The Kafka this run uses: end-to-end tests read the event topics. */
    public String kafkaBootstrapServers() {
        return infrastructure.endpoints().kafkaBootstrapServers();
    }

    /** Stops the edge, the services, then the servers, and removes the run directory; never throws. */
    @Override
    public synchronized void close() {
        if (edge != null) {
            edge.close();
            edge = null;
        }
        services.parallelStream().forEach(ServiceProcess::close);
        services.clear();
        if (infrastructure != null) {
            infrastructure.close();
            infrastructure = null;
        }
        runDirectory.close();
        watchdog.close();
    }
}
