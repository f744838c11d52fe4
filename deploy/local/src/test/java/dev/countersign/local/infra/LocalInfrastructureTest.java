package dev.countersign.local.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

class LocalInfrastructureTest {

    @Test
    void startsRealServersWithTopicsAndLeavesNothingBehind() throws Exception {
        Set<Long> childrenBefore = children();
        Path dir;
        try (RunDirectory run = RunDirectory.create("countersign-infra-test-")) {
            dir = run.path();
            InfrastructureSettings settings = new InfrastructureSettings(Optional.empty(), Optional.empty(),
                    Optional.empty(), Path.of(System.getProperty("user.home"), ".cache", "countersign"), true);
            try (LocalInfrastructure infra = LocalInfrastructure.start(dir, settings)) {
                InfrastructureEndpoints endpoints = infra.endpoints();

                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        endpoints.kafkaBootstrapServers()))) {
                    assertThat(admin.listTopics().names().get())
                            .contains(KafkaTopics.CREDENTIAL_EVENTS, KafkaTopics.CHALLENGE_EVENTS,
                                    KafkaTopics.CHALLENGE_EVENTS_DLQ, KafkaTopics.DELIVERY_EVENTS);
                    ConfigResource credentialEvents = new ConfigResource(ConfigResource.Type.TOPIC,
                            KafkaTopics.CREDENTIAL_EVENTS);
                    assertThat(admin.describeConfigs(List.of(credentialEvents)).all().get().get(credentialEvents)
                            .get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
                }

                PostgresEndpoint pg = endpoints.postgres();
                try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                        ResultSet rs = c.createStatement().executeQuery("select current_user, current_database()")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("countersign");
                    assertThat(rs.getString(2)).isEqualTo("countersign");
                }

                assertThat(redisInline(endpoints.redisUrl(), "PING", 1)).containsExactly("+PONG");
                // COUNTERSIGN_REDIS_APPENDONLY: the started Redis keeps an append-only file in the run directory.
                assertThat(redisInline(endpoints.redisUrl(), "CONFIG GET appendonly", 5))
                        .containsExactly("*2", "$10", "appendonly", "$3", "yes");
                assertThat(dir.resolve("redis").resolve("appendonly.aof")).exists();
                assertThat(children()).hasSizeGreaterThan(childrenBefore.size());
            }
        }
        assertThat(dir).doesNotExist();
        assertThat(children()).isSubsetOf(childrenBefore);
    }

    /** An inline command; answers the first {@code lines} lines of the reply. */
    private static List<String> redisInline(String url, String command, int lines) throws Exception {
        var uri = java.net.URI.create(url);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            List<String> reply = new java.util.ArrayList<>();
            for (int i = 0; i < lines; i++) {
                reply.add(in.readLine());
            }
            return reply;
        }
    }

    private static Set<Long> children() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(ProcessHandle::pid).collect(java.util.stream.Collectors.toSet());
    }
}
