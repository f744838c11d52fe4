package dev.countersign.challenge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.countersign.local.infra.LocalRedis;
import dev.countersign.local.infra.RunDirectory;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A Redis Cluster of three masters (no replicas) from the shipped redis-server binary, for a test
 * profile: each node has its own port and directory, the 16384 slots are split in three ranges
 * with {@code CLUSTER ADDSLOTS}, the nodes are joined with {@code CLUSTER MEET}, and the cluster is
 * handed over once every node says {@code cluster_state:ok}. The client is switched to cluster
 * mode, so it follows the slot map and {@code MOVED} replies as it would in production.
 */
public class RedisCluster implements QuarkusTestResourceLifecycleManager {

    static final int SLOTS = 16384;
    static final int MASTERS = 3;
    private static final Duration FORMS_WITHIN = Duration.ofSeconds(30);

    private RunDirectory directory;
    private final List<LocalRedis> nodes = new ArrayList<>();

    @Override
    public Map<String, String> start() {
        directory = RunDirectory.create("countersign-redis-cluster-");
        try {
            for (int i = 0; i < MASTERS; i++) {
                Path dir = Files.createDirectories(directory.path().resolve("node-" + i));
                nodes.add(LocalRedis.start(dir, List.of("save \"\"", "appendonly no", "cluster-enabled yes",
                        "cluster-config-file nodes.conf", "cluster-node-timeout 5000")));
            }
            for (int i = 0; i < MASTERS; i++) {
                int from = SLOTS * i / MASTERS;
                int to = SLOTS * (i + 1) / MASTERS;
                List<String> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
                IntStream.range(from, to).mapToObj(Integer::toString).forEach(command::add);
                nodes.get(i).command(command.toArray(String[]::new));
            }
            for (LocalRedis node : nodes.subList(1, MASTERS)) {
                nodes.get(0).command("CLUSTER", "MEET", "127.0.0.1", Integer.toString(node.port()));
            }
            awaitClusterOk();
            return Map.of("quarkus.redis.client-type", "cluster",
                    "quarkus.redis.hosts", nodes.stream().map(LocalRedis::url).collect(Collectors.joining(",")));
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("Cannot start the Redis Cluster", e);
        }
    }

    /** Every node knows every slot's owner: until then a command may meet CLUSTERDOWN. */
    private void awaitClusterOk() throws InterruptedException {
        Instant deadline = Instant.now().plus(FORMS_WITHIN);
        while (!nodes.stream().allMatch(RedisCluster::ok)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("The Redis Cluster did not form within " + FORMS_WITHIN);
            }
            Thread.sleep(100);
        }
    }

    private static boolean ok(LocalRedis node) {
        String info = node.command("CLUSTER", "INFO").get(0);
        return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + MASTERS);
    }

    @Override
    public void stop() {
        nodes.forEach(LocalRedis::close);
        nodes.clear();
        if (directory != null) {
            directory.close();
            directory = null;
        }
    }
}
