package dev.countersign.bench.load;

import java.util.Locale;
import java.util.Optional;

/**
 * What a load run is told, by system property (the Maven command line's {@code -D}) or, for the
 * target, the run command's {@code COUNTERSIGN_*} variables: docs/benchmarks.md#settings.
 */
record LoadSettings(String baseUrl, String tenantId, String secretKey, Flow flow, int concurrency, Optional<Double> rate,
        int durationSeconds, int warmUpSeconds, int users, Optional<Long> launcherPid) {

    /** The flows, by their {@code -Dflow=} name. */
    enum Flow {
        PUSH("push"), QR_WS("qr-ws"), QR_POLL("qr-poll"), IN_APP("in-app");

        final String label;

        Flow(String label) {
            this.label = label;
        }

        static Flow of(String label) {
            for (Flow flow : values()) {
                if (flow.label.equals(label.toLowerCase(Locale.ROOT))) {
                    return flow;
                }
            }
            throw new IllegalArgumentException("-Dflow must be push, qr-ws, qr-poll or in-app, not " + label);
        }
    }

    static LoadSettings fromSystem() {
        int concurrency = Integer.parseInt(property("concurrency", null).orElse("8"));
        Optional<Double> rate = property("rate", null).map(Double::valueOf);
        // Enough enrolled users that no two flows in flight share one (a second push would supersede the first).
        int defaultUsers = Math.max(64, rate.map(r -> (int) Math.ceil(r * 10)).orElse(concurrency * 2));
        LoadSettings settings = new LoadSettings(
                property("countersign.baseUrl", "COUNTERSIGN_BASE_URL").orElse("http://127.0.0.1:8080/v1"),
                property("countersign.tenantId", "COUNTERSIGN_TENANT_ID").orElse("demo"),
                property("countersign.secretKey", "COUNTERSIGN_SECRET_KEY").orElseThrow(() -> new IllegalArgumentException(
                        "-Dcountersign.secretKey (or COUNTERSIGN_SECRET_KEY) is the tenant's secret key the run command printed")),
                Flow.of(property("flow", null).orElse("push")),
                concurrency,
                rate,
                Integer.parseInt(property("duration", null).orElse("60")),
                Integer.parseInt(property("warmup", null).orElse("15")),
                Integer.parseInt(property("users", null).orElse(String.valueOf(defaultUsers))),
                property("countersign.launcherPid", null).map(Long::valueOf));
        if (settings.concurrency < 1 || settings.users < settings.concurrency || settings.durationSeconds < 1
                || settings.warmUpSeconds < 0 || rate.map(r -> r <= 0).orElse(false)) {
            throw new IllegalArgumentException("Need concurrency >= 1, users >= concurrency, duration >= 1, warmup >= 0, rate > 0: "
                    + settings);
        }
        return settings;
    }

    String model() {
        return rate.map(r -> String.format(Locale.ROOT, "open, %.1f flows/s", r))
                .orElse("closed, " + concurrency + " concurrent");
    }

    /** The edge's origin, for the kiosk WebSocket: {@code http://host:port/v1} → {@code ws://host:port}. */
    String webSocketBase() {
        String origin = baseUrl.replaceFirst("/v1/?$", "");
        return origin.replaceFirst("^http", "ws");
    }

    private static Optional<String> property(String name, String variable) {
        String value = System.getProperty(name);
        if ((value == null || value.isBlank()) && variable != null) {
            value = System.getenv(variable);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    @Override
    public String toString() {
        // Never print the secret.
        return "LoadSettings[" + baseUrl + ", tenant " + tenantId + ", " + flow.label + ", " + model() + ", "
                + durationSeconds + " s after " + warmUpSeconds + " s warm-up, " + users + " users]";
    }
}
