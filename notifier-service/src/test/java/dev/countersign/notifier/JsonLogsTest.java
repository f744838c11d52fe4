package dev.countersign.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logging.MDC;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.ConsoleHandler;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.common.audit.Audit;
import dev.countersign.common.audit.AuditEvent;
import dev.countersign.testkit.kiosk.KioskClientSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With {@code quarkus.log.console.json.enabled=true} (what {@code COUNTERSIGN_LOG_FORMAT=json} and
 * the charts' {@code logFormat: json} set), the console handler the service configured formats an
 * audit record as one line of JSON: the audit fields, and any other MDC field such as a trace's
 * {@code traceId} / {@code spanId}, under {@code mdc}. Each record is formatted with that very
 * formatter while it is written, as the console would print it.
 */
@QuarkusTest
@TestProfile(JsonLogsTest.JsonConsole.class)
class JsonLogsTest {

    public static class JsonConsole implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.console.json.enabled", "true");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI root;

    @Test
    void auditRecordsAreSingleJsonLinesWithTheirFieldsAndTheTraceIdsOfTheMdc() throws Exception {
        Formatter console = consoleFormatter();
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler formatting = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(console.format(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger audit = Logger.getLogger(Audit.CATEGORY);
        String tenant = "no-such-" + UUID.randomUUID();
        audit.addHandler(formatting);
        try {
            assertThat(KioskClientSocket.handshake(root.getPort(), List.of("authsignal-ws", "x.authsignal.tenant." + tenant),
                    Map.of("X-Forwarded-For", "192.0.2.44"), true)).isEqualTo(401);
            // As the tracing extension leaves them in the MDC while a span is current.
            MDC.put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
            MDC.put("spanId", "00f067aa0ba902b7");
            try {
                Audit.event(AuditEvent.CREDENTIAL_REMOVED).tenant("test-tenant").user("user \"quoted\"\nnext")
                        .credential("c-1").reason("server-api").clientAddress("192.0.2.45").write();
            } finally {
                MDC.remove("traceId");
                MDC.remove("spanId");
            }
        } finally {
            audit.removeHandler(formatting);
        }

        List<JsonNode> records = new ArrayList<>();
        for (String line : lines) {
            assertThat(line.strip()).as("one record, one line").doesNotContain("\n");
            records.add(JSON.readTree(line));
        }
        JsonNode refused = records.stream().filter(r -> r.at("/mdc/clientAddress").asText().equals("192.0.2.44"))
                .findFirst().orElseThrow(() -> new AssertionError("no record of the refused handshake in " + lines));
        assertThat(refused.path("loggerName").asText()).isEqualTo("countersign.audit");
        assertThat(refused.path("level").asText()).isEqualTo("INFO");
        assertThat(refused.at("/mdc/event").asText()).isEqualTo("auth.failed");
        assertThat(refused.at("/mdc/reason").asText()).isEqualTo("unknown_tenant");
        assertThat(refused.at("/mdc/request").asText()).isEqualTo("GET /ws-v1-challenge");
        assertThat(refused.path("message").asText()).startsWith("event=auth.failed ");
        assertThat(refused.path("timestamp").asText()).isNotBlank();

        JsonNode traced = records.stream().filter(r -> r.at("/mdc/event").asText().equals("credential.removed"))
                .findFirst().orElseThrow();
        assertThat(traced.at("/mdc/traceId").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(traced.at("/mdc/spanId").asText()).isEqualTo("00f067aa0ba902b7");
        assertThat(traced.at("/mdc/user").asText()).isEqualTo("user \"quoted\"\nnext");
        assertThat(traced.at("/mdc/credentialId").asText()).isEqualTo("c-1");
        // The text line escapes what would break it.
        assertThat(traced.path("message").asText()).isEqualTo(
                "event=credential.removed tenant=test-tenant user=\"user \\\"quoted\\\"\\nnext\" credentialId=c-1 "
                        + "reason=server-api clientAddress=192.0.2.45");
    }

    /** The formatter of the console handler Quarkus set up from the configuration (possibly behind a wrapper). */
    private static Formatter consoleFormatter() {
        List<Handler> pending = new ArrayList<>(List.of(LogContext.getLogContext().getLogger("").getHandlers()));
        while (!pending.isEmpty()) {
            Handler handler = pending.remove(0);
            if (handler instanceof ConsoleHandler) {
                assertThat(handler.getFormatter().getClass().getName()).containsIgnoringCase("json");
                return handler.getFormatter();
            }
            if (handler instanceof ExtHandler ext) {
                pending.addAll(List.of(ext.getHandlers()));
            }
        }
        throw new AssertionError("No console handler configured");
    }
}
