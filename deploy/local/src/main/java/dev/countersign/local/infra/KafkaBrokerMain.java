package dev.countersign.local.infra;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;

/**
 * Main class of the Kafka child JVM: formats the KRaft storage, runs a combined broker and
 * controller, prints {@link #READY} once it serves, and stops when its standard input closes —
 * which also happens when the parent dies, so a killed launcher never leaves a broker behind.
 */
public final class KafkaBrokerMain {

    public static final String READY = "COUNTERSIGN_KAFKA_READY";

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        String configFile = args[0];
        String clusterId = args[1];
        int formatted = StorageTool.execute(
                new String[] {"format", "--standalone", "--ignore-formatted", "-t", clusterId, "-c", configFile},
                System.out);
        if (formatted != 0) {
            System.err.println("Kafka storage format failed: " + formatted);
            System.exit(2);
        }
        Properties props = new Properties();
        try (InputStream in = new FileInputStream(configFile)) {
            props.load(in);
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
        }, "kafka-shutdown"));
        server.startup();
        System.out.println(READY);
        System.out.flush();
        awaitEndOfInput();
        System.exit(0);
    }

    private static void awaitEndOfInput() {
        try {
            while (System.in.read() != -1) {
                // the parent never writes; it only holds the pipe open
            }
        } catch (IOException e) {
            // pipe broken: the parent is gone
        }
    }
}
