package dev.countersign.local.launcher;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The run command: brings up the whole of Countersign on this machine, prints how to reach it,
 * and runs until Ctrl-C (SIGINT) or SIGTERM, then stops everything it started.
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) throws InterruptedException {
        long started = System.nanoTime();
        System.err.println("Countersign: starting Kafka, PostgreSQL, Redis, the three services and the edge...");
        CountersignStack stack = new CountersignStack();
        CountDownLatch stopped = new CountDownLatch(1);
        // Registered before anything starts, so a Ctrl-C during start-up also cleans up.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("Countersign: stopping...");
            stack.close();
            stopped.countDown();
        }, "countersign-stop"));
        StopSignals.install();
        try {
            stack.startWith(StackSettings.fromEnvironment());
        } catch (RuntimeException e) {
            System.err.println("Countersign failed to start: " + e.getMessage());
            System.exit(1);
        }

        System.err.printf("Countersign: ready in %.1f s (Ctrl-C to stop)%n", (System.nanoTime() - started) / 1e9);
        System.err.println("Countersign: kiosk page at http://127.0.0.1:" + stack.edgePort() + "/kiosk?tenantId=" + stack.tenantId());
        // /q/* is on each service's management port only, never behind the edge.
        stack.managementPorts().forEach((service, port) ->
                System.err.println("Countersign: " + service + " health and metrics at http://127.0.0.1:" + port + "/q/"));
        System.out.println("COUNTERSIGN_BASE_URL=" + stack.baseUrl());
        System.out.print(tenantLines(stack.tenants()));
        System.out.flush();
        stopped.await();
    }

    /**
     * {@code COUNTERSIGN_TENANT_ID=} / {@code COUNTERSIGN_SECRET_KEY=} for the demo tenant, then
     * {@code _2}, {@code _3}, ... suffixed lines for each further tenant, in the order configured.
     */
    static String tenantLines(List<DemoSecrets.TenantSecret> tenants) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < tenants.size(); i++) {
            String suffix = i == 0 ? "" : "_" + (i + 1);
            lines.append("COUNTERSIGN_TENANT_ID").append(suffix).append('=').append(tenants.get(i).tenantId()).append('\n');
            lines.append("COUNTERSIGN_SECRET_KEY").append(suffix).append('=').append(tenants.get(i).secretKey()).append('\n');
        }
        return lines.toString();
    }
}
