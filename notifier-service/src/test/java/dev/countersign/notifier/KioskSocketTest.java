package dev.countersign.notifier;

import dev.countersign.testkit.kiosk.KioskClientSocket;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.common.token.Scopes;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.common.token.TokenIssuer;
import dev.countersign.common.token.TokenType;
import dev.countersign.testkit.EventTopics;
import dev.countersign.testkit.TestTenants;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;

/**
 * The kiosk socket on a real server, real Kafka, against a fake challenge-service that records
 * what the notifier forwards: handshake refusals, CHALLENGE_CREATED, STATE_CHANGEs from events on
 * {@code challenge-events}, the access token fetched with the device code, isolation between
 * sockets, malformed messages, the CREATE_CHALLENGE budget and idle closing.
 */
@QuarkusTest
class KioskSocketTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TENANT_SUBPROTOCOL = "x.authsignal.tenant." + TestTenants.TENANT_ID;

    @TestHTTPResource("/")
    URI root;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "countersign.services.challenge-url")
    String challengeUrl;

    @Inject
    TokenIssuer tokens;

    @Inject
    ObjectMapper json;

    private ChallengeServiceStub challengeService;
    private KafkaProducer<String, String> producer;

    @BeforeEach
    void start() {
        challengeService = ChallengeServiceStub.at(challengeUrl);
        producer = EventTopics.producer(bootstrap);
        awaitReady();
    }

    /** Until the kiosk consumer holds its partitions an event could pass it by (it starts at "latest"). */
    private void awaitReady() {
        Instant deadline = Instant.now().plus(WAIT);
        while (dev.countersign.testkit.Management.given().get("/q/health/ready").statusCode() != 200) {
            assertThat(Instant.now()).as("ready in time").isBefore(deadline);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @AfterEach
    void stop() {
        producer.close();
    }

    private int port() {
        return root.getPort();
    }

    private KioskClientSocket anonymous() {
        return KioskClientSocket.open(port(), List.of("authsignal-ws", TENANT_SUBPROTOCOL), Map.of());
    }

    private JsonNode create(KioskClientSocket socket, String action) {
        socket.send("{\"type\":\"CREATE_CHALLENGE\",\"data\":{\"challengeType\":\"QR_CODE\",\"actionCode\":\"" + action + "\"}}");
        return socket.next(WAIT);
    }

    @Test
    void tenantSubprotocolThenAuthsignalWsSelectedAndExactlyOneChallengeCreated() {
        try (KioskClientSocket socket = KioskClientSocket.open(port(), List.of("authsignal-ws", TENANT_SUBPROTOCOL),
                Map.of("User-Agent", "KioskBrowser/1.0", "X-Forwarded-For", "198.51.100.9"))) {
            assertThat(socket.socket.subProtocol()).isEqualTo("authsignal-ws");
            socket.send("{\"type\":\"CREATE_CHALLENGE\",\"data\":{\"challengeType\":\"QR_CODE\",\"actionCode\":\"kioskLogin\",\"custom\":{\"till\":7}}}");
            JsonNode created = socket.next(WAIT);

            assertThat(created.path("type").asText()).isEqualTo("CHALLENGE_CREATED");
            JsonNode data = created.path("data");
            assertThat(data.size()).isEqualTo(4);
            assertThat(data.path("challengeType").asText()).isEqualTo("QR_CODE");
            assertThat(data.path("state").asText()).isEqualTo("unclaimed");
            assertThat(data.path("expiresAt").asText()).isEqualTo("2099-01-01T00:00:00.000Z");
            String challengeId = data.path("challengeId").asText();
            assertThat(created.toString()).doesNotContain(challengeService.deviceCode(challengeId));

            ChallengeServiceStub.Call call = challengeService.creation(challengeId);
            assertThat(call.header("Authorization")).isEqualTo(basic(TestTenants.TENANT_ID));
            assertThat(call.header("X-Forwarded-For")).isEqualTo("198.51.100.9, 127.0.0.1");
            assertThat(call.header("User-Agent")).isEqualTo("KioskBrowser/1.0");
            assertThat(call.body().toString()).isEqualTo("{\"action\":\"kioskLogin\",\"custom\":{\"till\":7}}");
            assertThat(socket.messages).isEmpty();
        }
    }

    @Test
    void trackTokenSubprotocolThenChallengeCreatedWithTheBearerToken() {
        String token = tokens.issue(TokenType.TRACK, TestTenants.TENANT_ID, "user-" + UUID.randomUUID(), "kioskLogin",
                UUID.randomUUID().toString(), Set.of(Scopes.READ_AUTHENTICATORS), null).token();
        try (KioskClientSocket socket = KioskClientSocket.open(port(), List.of("authsignal-ws", "x.authsignal.token." + token), Map.of())) {
            String challengeId = create(socket, "kioskLogin").path("data").path("challengeId").asText();
            assertThat(challengeService.creation(challengeId).header("Authorization")).isEqualTo("Bearer " + token);
        }
    }

    @Test
    void manyCreateChallengesOnOneSocketEachGetTheirOwnChallenge() {
        try (KioskClientSocket socket = anonymous()) {
            String first = create(socket, "kioskLogin").path("data").path("challengeId").asText();
            String second = create(socket, "kioskLogin").path("data").path("challengeId").asText();
            assertThat(first).isNotEqualTo(second);
        }
    }

    @Test
    void withoutAuthsignalWsThenRefusedAtTheHandshake() {
        assertThat(KioskClientSocket.refusal(port(), List.of(TENANT_SUBPROTOCOL))).isEqualTo(400);
        assertThat(KioskClientSocket.refusal(port(), List.of())).isEqualTo(400);
        assertThat(KioskClientSocket.refusal(port(), List.of("authsignal-wss", TENANT_SUBPROTOCOL))).isEqualTo(400);
    }

    @Test
    void withoutTenantOrTokenOrWithUnknownTenantThenUnauthorized() {
        assertThat(KioskClientSocket.refusal(port(), List.of("authsignal-ws"))).isEqualTo(401);
        assertThat(KioskClientSocket.refusal(port(), List.of("authsignal-ws", "x.authsignal.tenant.no-such-tenant"))).isEqualTo(401);
        assertThat(KioskClientSocket.refusal(port(), List.of("authsignal-ws", "x.authsignal.tenant."))).isEqualTo(401);
    }

    @Test
    void badExpiredOrAccessTokenThenUnauthorizedEvenBesideAKnownTenant() {
        Instant past = Instant.now().minus(Duration.ofHours(1));
        String expired = tokens.sign(new TokenClaims(UUID.randomUUID().toString(), TokenType.TRACK, TestTenants.TENANT_ID,
                "user-1", "kioskLogin", UUID.randomUUID().toString(), Set.of(), past, past.plusSeconds(600), null)).token();
        String access = tokens.issue(TokenType.ACCESS, TestTenants.TENANT_ID, "user-1", "kioskLogin",
                UUID.randomUUID().toString(), Set.of(), null).token();
        for (String token : List.of("not-a-jwt", expired, access, expired.substring(0, expired.length() - 4) + "AAAA")) {
            assertThat(KioskClientSocket.refusal(port(), List.of("authsignal-ws", "x.authsignal.token." + token, TENANT_SUBPROTOCOL)))
                    .as("token %s", token).isEqualTo(401);
        }
    }

    @Test
    void claimedThenApprovedWithTheTokenFetchedWithTheDeviceCode() {
        try (KioskClientSocket socket = anonymous()) {
            String challengeId = create(socket, "kioskLogin").path("data").path("challengeId").asText();

            publish(event(challengeId, ChallengeEvent.CLAIMED, 2));
            JsonNode claimed = socket.next(WAIT);
            assertThat(claimed.toString()).isEqualTo("{\"type\":\"STATE_CHANGE\",\"data\":{\"challengeId\":\"" + challengeId
                    + "\",\"state\":\"claimed\"}}");

            challengeService.approve(challengeId, "access-token-" + challengeId);
            publish(event(challengeId, ChallengeEvent.APPROVED, 3));
            JsonNode approved = socket.next(WAIT);
            assertThat(approved.toString()).isEqualTo("{\"type\":\"STATE_CHANGE\",\"data\":{\"challengeId\":\"" + challengeId
                    + "\",\"state\":\"approved\",\"accessToken\":\"access-token-" + challengeId + "\"}}");

            ChallengeServiceStub.Call verify = challengeService.calls("/v1/client/verify/qr-code").stream()
                    .filter(c -> c.body().path("challengeId").asText().equals(challengeId)).findFirst().orElseThrow();
            assertThat(verify.header("Authorization")).isEqualTo(basic(TestTenants.TENANT_ID));
            assertThat(verify.body().path("deviceCode").asText()).isEqualTo(challengeService.deviceCode(challengeId));

            // A redelivered approval changes nothing; the socket stays open for the next challenge.
            publish(event(challengeId, ChallengeEvent.APPROVED, 3));
            JsonNode next = create(socket, "kioskLogin");
            assertThat(next.path("type").asText()).isEqualTo("CHALLENGE_CREATED");
        }
    }

    @Test
    void rejectedThenRejectedStateChange() {
        try (KioskClientSocket socket = anonymous()) {
            String challengeId = create(socket, "kioskLogin").path("data").path("challengeId").asText();
            publish(event(challengeId, ChallengeEvent.CLAIMED, 2));
            assertThat(socket.next(WAIT).path("data").path("state").asText()).isEqualTo("claimed");
            publish(event(challengeId, ChallengeEvent.REJECTED, 3));
            JsonNode rejected = socket.next(WAIT);
            assertThat(rejected.toString()).isEqualTo("{\"type\":\"STATE_CHANGE\",\"data\":{\"challengeId\":\"" + challengeId
                    + "\",\"state\":\"rejected\"}}");
        }
    }

    @Test
    void aSocketHearsNothingOfChallengesItDidNotCreate() {
        try (KioskClientSocket mine = anonymous(); KioskClientSocket other = anonymous()) {
            String mineId = create(mine, "kioskLogin").path("data").path("challengeId").asText();
            String otherId = create(other, "kioskLogin").path("data").path("challengeId").asText();

            publish(event(otherId, ChallengeEvent.CLAIMED, 2));
            assertThat(other.next(WAIT).path("data").path("challengeId").asText()).isEqualTo(otherId);
            // Events of an id no socket here created, and of another tenant for my id: dropped.
            publish(event(UUID.randomUUID().toString(), ChallengeEvent.CLAIMED, 2));
            publish(withTenant(event(mineId, ChallengeEvent.CLAIMED, 2), TestTenants.OTHER_TENANT_ID));
            publish(event(mineId, ChallengeEvent.REJECTED, 3));
            JsonNode first = mine.next(WAIT);
            assertThat(first.path("data").path("challengeId").asText()).isEqualTo(mineId);
            assertThat(first.path("data").path("state").asText()).isEqualTo("rejected");
            assertThat(mine.messages).isEmpty();
            assertThat(other.messages).isEmpty();
        }
    }

    @Test
    void refusedByChallengeServiceThenAnErrorMessageAndTheSocketStaysOpen() {
        try (KioskClientSocket socket = anonymous()) {
            JsonNode error = create(socket, "refuse");
            assertThat(error.toString()).isEqualTo("{\"type\":\"ERROR\",\"data\":{\"error\":\"insufficient_scope\","
                    + "\"errorDescription\":\"The token's action is another one\"}}");
            assertThat(create(socket, "kioskLogin").path("type").asText()).isEqualTo("CHALLENGE_CREATED");
        }
    }

    @Test
    void malformedMessagesCloseTheSocketWith1008() {
        List<String> malformed = List.of("not json", "[]", "{\"type\":\"HELLO\"}", "{\"data\":{}}",
                "{\"type\":\"CREATE_CHALLENGE\",\"data\":{\"challengeType\":\"PUSH\"}}",
                "{\"type\":\"CREATE_CHALLENGE\",\"data\":{\"actionCode\":7}}",
                "{\"type\":\"CREATE_CHALLENGE\",\"data\":{\"custom\":\"x\"}}",
                "{\"type\":\"CREATE_CHALLENGE\",\"data\":\"x\"}");
        for (String text : malformed) {
            try (KioskClientSocket socket = anonymous()) {
                socket.send(text);
                assertThat(socket.awaitClose(WAIT)).as(text).isEqualTo((short) 1008);
                assertThat(socket.messages).as(text).isEmpty();
            }
        }
    }

    @Test
    void oversizedMessageClosesTheSocketWith1009WithoutAnErrorLog() {
        // A CREATE_CHALLENGE whose custom object nearly fills the 16 KiB limit is still served.
        String filler = "x".repeat(15_000);
        String oversized = "{\"type\":\"CREATE_CHALLENGE\",\"data\":{\"custom\":{\"f\":\"" + "x".repeat(17_000) + "\"}}}";
        List<LogRecord> errors = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    errors.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(handler);
        try {
            try (KioskClientSocket socket = anonymous()) {
                socket.send("{\"type\":\"CREATE_CHALLENGE\",\"data\":{\"challengeType\":\"QR_CODE\",\"actionCode\":\"kioskLogin\","
                        + "\"custom\":{\"note\":\"" + filler + "\"}}}");
                assertThat(socket.next(WAIT).path("type").asText()).isEqualTo("CHALLENGE_CREATED");
            }
            // One frame over the limit.
            try (KioskClientSocket socket = anonymous()) {
                socket.send(oversized);
                assertThat(socket.awaitClose(WAIT)).isEqualTo((short) 1009);
                assertThat(socket.messages).isEmpty();
            }
            // Small frames adding up to a message over the limit.
            try (KioskClientSocket socket = anonymous()) {
                String half = oversized.substring(0, oversized.length() / 2);
                socket.socket.writeFrame(WebSocketFrame.textFrame(half, false));
                socket.socket.writeFrame(WebSocketFrame.continuationFrame(
                        Buffer.buffer(oversized.substring(half.length())), true));
                assertThat(socket.awaitClose(WAIT)).isEqualTo((short) 1009);
                assertThat(socket.messages).isEmpty();
            }
            try (KioskClientSocket socket = anonymous()) {
                assertThat(create(socket, "kioskLogin").path("type").asText()).isEqualTo("CHALLENGE_CREATED");
            }
        } finally {
            root.removeHandler(handler);
        }
        assertThat(errors).extracting(LogRecord::getMessage).isEmpty();
    }

    @Test
    void createChallengeFloodThenRefusedBeyondTheSocketsBudgetOthersUnaffected() {
        try (KioskClientSocket flood = anonymous(); KioskClientSocket calm = anonymous()) {
            int before = challengeService.calls("/v1/client/challenge/qr-code").size();
            for (int i = 0; i < 3; i++) {
                assertThat(create(flood, "kioskLogin").path("type").asText()).isEqualTo("CHALLENGE_CREATED");
            }
            JsonNode refused = create(flood, "kioskLogin");
            assertThat(refused.path("type").asText()).isEqualTo("ERROR");
            assertThat(refused.path("data").path("error").asText()).isEqualTo("too_many_requests");
            assertThat(challengeService.calls("/v1/client/challenge/qr-code").size() - before).isEqualTo(3);
            assertThat(create(calm, "kioskLogin").path("type").asText()).isEqualTo("CHALLENGE_CREATED");
        }
    }

    @Test
    void idleSocketWithoutALiveChallengeIsClosedNormally() {
        try (KioskClientSocket idle = anonymous()) {
            assertThat(idle.awaitClose(Duration.ofSeconds(10))).isEqualTo((short) 1000);
        }
    }

    @Test
    void socketWithALiveChallengeIsNotClosedForIdleness() throws Exception {
        try (KioskClientSocket busy = anonymous()) {
            create(busy, "kioskLogin");
            Thread.sleep(3_000);
            assertThat(busy.socket.isClosed()).isFalse();
        }
    }

    private ChallengeEvent event(String challengeId, String type, long version) {
        return new ChallengeEvent(UUID.randomUUID().toString(), type, TestTenants.TENANT_ID, challengeId, version, "qr-code",
                "user-1", "kioskLogin", UUID.randomUUID().toString(), null, "cred-1", "198.51.100.9", "KioskBrowser/1.0",
                null, null, Instant.now().plusSeconds(600), Instant.now());
    }

    private static ChallengeEvent withTenant(ChallengeEvent e, String tenantId) {
        return new ChallengeEvent(e.eventId(), e.type(), tenantId, e.challengeId(), e.version(), e.kind(), e.userId(),
                e.actionCode(), e.idempotencyKey(), e.targetCredentialIds(), e.credentialId(), e.ipAddress(), e.userAgent(),
                e.deviceId(), e.custom(), e.expiresAt(), e.occurredAt());
    }

    private void publish(ChallengeEvent event) {
        try {
            producer.send(EventTopics.cloudEvent("challenge-events", null, event.challengeId(), event.eventId(),
                    event.cloudEventType(), "/countersign/challenge-service", json.writeValueAsString(event))).get();
        } catch (Exception e) {
            throw new IllegalStateException("Could not publish " + event, e);
        }
    }

    private static String basic(String tenantId) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((tenantId + ":").getBytes());
    }
}
