package dev.countersign.local.infra;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.common.Uuid;

/** A real Apache Kafka broker in KRaft mode (combined broker and controller) in its own JVM. */
public final class KafkaBroker extends ChildProcess implements AutoCloseable {

    private static final long START_TIMEOUT_SECONDS = 120;

    private final List<String> command;
    private final Path log;
    private final String bootstrapServers;

    private KafkaBroker(List<String> command, Path log, String bootstrapServers) {
        this.command = command;
        this.log = log;
        this.bootstrapServers = bootstrapServers;
    }

    public static KafkaBroker start(Path dir) {
        try {
            Files.createDirectories(dir.resolve("data"));
            int brokerPort = FreePorts.pick();
            int controllerPort = FreePorts.pick();
            Path config = dir.resolve("server.properties");
            writeConfig(config, dir.resolve("data"), brokerPort, controllerPort);

            // The classpath goes in an argument file: short command lines, no ARG_MAX worries.
            Path jvmArgs = Files.writeString(dir.resolve("jvm.args"), "-cp \"" + JvmClasspath.current() + "\"\n");
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = List.of(java, "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC",
                    "-Djava.awt.headless=true", "@" + jvmArgs,
                    KafkaBrokerMain.class.getName(), config.toString(), Uuid.randomUuid().toString());
            KafkaBroker broker = new KafkaBroker(command, dir.resolve("kafka.log"), "127.0.0.1:" + brokerPort);
            broker.launch(false);
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("Kafka did not start", e);
        }
    }

    /** Starts the broker JVM (the same config, cluster id and data: a restart keeps the topics) and waits until it serves. */
    private void launch(boolean appendLog) throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        awaitReady(appendLog);
    }

    /** Copies the child's output to its log file and completes once the broker says it serves. */
    private void awaitReady(boolean appendLog) throws IOException {
        Process process = this.process;
        CompletableFuture<Void> ready = new CompletableFuture<>();
        PrintStream out = new PrintStream(appendLog
                ? Files.newOutputStream(log, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)
                : Files.newOutputStream(log), true, StandardCharsets.UTF_8);
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.equals(KafkaBrokerMain.READY)) {
                        ready.complete(null);
                    } else {
                        out.println(line);
                    }
                }
            } catch (IOException e) {
                // the process is gone; the exit check below reports it
            } finally {
                out.close();
                ready.completeExceptionally(new IllegalStateException(
                        "Kafka exited before it was ready; see " + log));
            }
        }, "kafka-output");
        pump.setDaemon(true);
        pump.start();
        try {
            ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            close();
            throw new IllegalStateException("Kafka not ready after " + START_TIMEOUT_SECONDS + " s; see " + log);
        } catch (Exception e) {
            close();
            throw new IllegalStateException(e.getCause() != null ? e.getCause().getMessage() : e.toString(), e);
        }
    }

    private static void writeConfig(Path file, Path dataDir, int brokerPort, int controllerPort) throws IOException {
        Properties props = new Properties();
        props.setProperty("process.roles", "broker,controller");
        props.setProperty("node.id", "1");
        props.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        props.setProperty("listeners",
                "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.setProperty("controller.listener.names", "CONTROLLER");
        props.setProperty("inter.broker.listener.name", "PLAINTEXT");
        props.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.setProperty("log.dirs", dataDir.toString());
        // Topics are created explicitly (KafkaTopics); a typo in a channel must fail, not invent a topic.
        props.setProperty("auto.create.topics.enable", "false");
        props.setProperty("offsets.topic.replication.factor", "1");
        props.setProperty("offsets.topic.num.partitions", "5");
        props.setProperty("transaction.state.log.replication.factor", "1");
        props.setProperty("transaction.state.log.min.isr", "1");
        props.setProperty("share.coordinator.state.topic.replication.factor", "1");
        props.setProperty("share.coordinator.state.topic.min.isr", "1");
        props.setProperty("group.initial.rebalance.delay.ms", "0");
        try (var out = Files.newBufferedWriter(file)) {
            props.store(out, "Countersign local Kafka (KRaft, single node)");
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void restart() {
        try {
            launch(true);
        } catch (IOException e) {
            throw new UncheckedIOException("Kafka did not start again", e);
        }
    }

    @Override
    public void close() {
        Process process = this.process;
        if (!process.isAlive()) {
            return;
        }
        try {
            process.getOutputStream().close(); // end of input: the broker shuts down cleanly
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
