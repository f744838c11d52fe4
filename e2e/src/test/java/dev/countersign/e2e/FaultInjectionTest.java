package dev.countersign.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.local.infra.FaultHandle;
import dev.countersign.local.infra.KafkaTopics;
import dev.countersign.local.launcher.CountersignStack;
import dev.countersign.local.launcher.StackFaults;
import dev.countersign.local.launcher.StackSettings;
import dev.countersign.testkit.Metrics;
import dev.countersign.testkit.kiosk.KioskClientSocket;

/**
 * Faults injected into a Countersign of its own (docs/reliability.md#fault-injection): Kafka frozen
 * and killed, Redis killed and restarted empty, PostgreSQL frozen under an abandoned request,
 * challenge-service killed between an answer and its publication, credential-service killed between
 * a commit and its relay, a notifier replica killed under open kiosk sockets. One fault at a time,
 * under a bounded load of complete push flows ({@link PushLoad}); after each, the flows work again
 * within {@link #RECOVERY} and the invariants hold: what a client saw succeed has exactly its events
 * on the topics, every credential answered 200 is stored, published and usable, no approval counts
 * twice, and (at the end) every consumer absorbs a replay of both topics without a state change.
 *
 * <p>Its own stack, not {@link SharedStack}: it kills servers the other tests need. The services'
 * logs go to {@code target/fault-logs}; the figures to stdout and {@code target/fault-figures.md}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionTest {

    /** A bound, not a performance target: the first flow started after a fault ends succeeds within it. */
    private static final Duration RECOVERY = Duration.ofSeconds(90);
    /** Events published late (the outbox repair runs for entries older than 10 s) arrive within it. */
    private static final Duration EVENTS = Duration.ofSeconds(90);
    /** How long a freeze lasts. */
    private static final Duration FREEZE = Duration.ofSeconds(10);
    /** How long a killed server stays down before its restart. */
    private static final Duration DOWN = Duration.ofSeconds(3);
    private static final int VIRTUAL_USERS = 3;
    private static final String USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) countersign-e2e-kiosk";
    private static final String ENDED = "countersign_challenges_ended_total";
    /** When the client of the abandoned request gives up (the JDK client then closes its connection). */
    private static final Duration ABANDON_AFTER = Duration.ofSeconds(3);

    private CountersignStack stack;
    private StackFaults faults;
    private ServerApi server;
    private PushLoad load;
    private EventTopics topics;
    private final List<Figure> figures = new ArrayList<>();
    /** Every push credential that answered 200, by id: each must stay stored, published and usable. */
    private final Map<String, PushLoad.User> enrolled = new LinkedHashMap<>();
    /** When the running challenge-service's predecessor was killed: its counters count from then on. */
    private Instant challengeServiceSince = Instant.EPOCH;

    record Figure(String fault, int ok, int failed, long firstSuccessMillis, int eventsChecked, String note) {
    }

    @BeforeAll
    void startOwnStack() {
        StackSettings settings = StackSettings.fromEnvironment().withEdgePort(0).withNotifierReplicas(2)
                // Budgets of the benchmark profile: a few users start many pushes each.
                .withBenchmark(true)
                .withLogDir(Path.of("target", "fault-logs").toAbsolutePath());
        stack = CountersignStack.start(settings);
        faults = stack.faults();
        server = new ServerApi(stack.baseUrl(), stack.secretKey());
        topics = new EventTopics(stack.kafkaBootstrapServers());
        load = new PushLoad(stack);
        DeviceProfile[] profiles = DeviceProfile.values();
        for (int i = 0; i < VIRTUAL_USERS; i++) {
            PushLoad.User user = load.enrol("fault-load", profiles[i % profiles.length]);
            load.addUser(user);
            enrolled.put(user.credentialId(), user);
            awaitUsable(user);
        }
    }

    @AfterAll
    void stopOwnStack() {
        if (load != null) {
            load.stop();
        }
        writeFigures();
        if (stack != null) {
            stack.close();
        }
    }

    // --- Kafka ---------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void kafkaFrozenForTenSecondsThenFlowsSucceedAgainWithEveryEventOnceAndNothingCountedTwice() {
        FaultHandle kafka = faults.kafka();
        Phase phase = underLoad("Kafka frozen " + FREEZE.toSeconds() + " s");
        kafka.pause();
        try {
            phase.faultStarted();
            hold(FREEZE);
        } finally {
            kafka.resume();
        }
        phase.faultEnded();
        finish(phase, "");
    }

    @Test
    @Order(2)
    void kafkaKilledAndRestartedThenFlowsSucceedAgainWithEveryEventOnce() {
        killAndRestart(faults.kafka(), "Kafka killed, restarted", "down 3 s");
    }

    // --- Redis ---------------------------------------------------------------------------------------

    @Test
    @Order(3)
    void redisKilledAndRestartedEmptyThenTheKeyReplicaHealsAndExistingUsersPushAgain() {
        // Existing users (enrolled before the loss) are the load's users: their flows are the proof.
        killAndRestart(faults.redis(), "Redis killed, restarted empty", "down 3 s; existing users push again");
        enrolled.values().forEach(this::awaitUsable);
    }

    /** SIGKILL under load, {@link #DOWN} without the server, the restart on its port, then the recovery checks. */
    private void killAndRestart(FaultHandle server, String fault, String note) {
        Phase phase = underLoad(fault);
        phase.faultStarted();
        server.kill();
        hold(DOWN);
        server.restart();
        phase.faultEnded();
        finish(phase, note);
    }

    // --- PostgreSQL ----------------------------------------------------------------------------------

    @Test
    @Order(4)
    void postgresFrozenWithAnAbandonedEnrolmentThenItEndsWholeAndTheDevicesRetryGetsThatCredential() throws Exception {
        FaultHandle postgres = faults.postgres();
        String abandonedUser = "fault-abandoned-" + UUID.randomUUID();
        ServerApi.Answer tracked = server.track(abandonedUser, "enrol", "{\"scope\":\"add:authenticators\"}");
        assertThat(tracked.status()).as("%s", tracked).isEqualTo(200);
        SimulatedDevice device = SimulatedDevice.create(DeviceProfile.ANDROID_3_8, stack.baseUrl(), stack.tenantId());

        Phase phase = underLoad("PostgreSQL frozen " + FREEZE.toSeconds() + " s");
        postgres.pause();
        String abandonedAnswer;
        try {
            phase.faultStarted();
            abandonedAnswer = abandonedEnrolment(device, tracked.text("token"));
            hold(FREEZE.minus(ABANDON_AFTER));
        } finally {
            postgres.resume();
        }
        phase.faultEnded();
        assertThat(abandonedAnswer).as("the enrolment waited on the frozen database until its client gave up").isNull();

        // A fresh enrolment after the thaw works: credential-service has its pool back.
        PushLoad.User after = await().atMost(RECOVERY).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> load.enrol("fault-after-pg", DeviceProfile.IOS_2_7), u -> true);
        enrolled.put(after.credentialId(), after);
        // The abandoned request's transaction has ended one way or the other: none is left open.
        await().atMost(RECOVERY).pollInterval(Duration.ofMillis(500)).until(() -> count("select count(*) from pg_stat_activity"
                + " where datname = current_database() and state like 'idle in transaction%'") == 0);
        int rows = count("select count(*) from credential where user_id = ?", abandonedUser);
        String log = Files.readString(stack.serviceLog("credential-service"));
        boolean hibernateWarning = log.contains("non-threadsafe access") || log.contains("Live transaction detected");
        String note = "abandoned enrolment: rows after thaw " + rows + ", session warnings in log " + (hibernateWarning ? "YES" : "no");
        assertThat(hibernateWarning).as("the session of the abandoned request closed cleanly: %s", note).isFalse();
        // Begun work runs to its end (docs/protocol/decisions.md): the enrolment is stored whole or
        // not at all, and the device's retry with its key answers that one credential, never a second.
        assertThat(rows).as("rows of the abandoned enrolment").isBetween(0, 1);
        ServerApi.Answer retrack = server.track(abandonedUser, "enrol", "{\"scope\":\"add:authenticators\"}");
        assertThat(retrack.status()).as("%s", retrack).isEqualTo(200);
        DeviceResponse retried = device.addCredential(CredentialKind.PUSH, retrack.text("token"));
        assertThat(retried.status()).as("%s", retried).isEqualTo(200);
        assertThat(count("select count(*) from credential where user_id = ?", abandonedUser))
                .as("one credential for the abandoned enrolment and its retry").isEqualTo(1);
        enrolled.put(retried.text("userAuthenticatorId"), new PushLoad.User(abandonedUser, device, retried.text("userAuthenticatorId")));
        assertThat(count("select count(*) from credential_outbox o where not exists "
                + "(select 1 from credential c where c.id = o.aggregate_id) and o.type <> 'credential.removed'"))
                .as("no outbox event of a credential that was rolled back").isZero();
        finish(phase, note);
        System.out.println("PostgreSQL freeze: " + note);
    }

    // --- challenge-service ---------------------------------------------------------------------------

    @Test
    @Order(5)
    void challengeServiceKilledBetweenTheAnswerAndItsPublicationThenTheOutboxRepairPublishesItOnce() {
        PushLoad.User user = load.enrol("fault-answer", DeviceProfile.ANDROID_3_8);
        enrolled.put(user.credentialId(), user);
        awaitUsable(user);
        ServerApi.Answer tracked = server.track(user.userId(), "signIn", "{}");
        BrowserClient browser = new BrowserClient(stack.baseUrl(), tracked.text("token"));
        String challengeId = browser.challengePush("signIn").text("challengeId");
        assertThat(challengeId).isNotNull();
        assertThat(user.device().getPushChallenge().text("challengeId")).isEqualTo(challengeId);

        Phase phase = underLoad("challenge-service killed after an answer");
        FaultHandle kafka = faults.kafka();
        FaultHandle challenge = faults.challengeService();
        // Kafka frozen so that the approval's event cannot leave before the kill: the answer returns
        // (it does not wait for Kafka) with the event still only in Redis.
        kafka.pause();
        DeviceResponse approved;
        try {
            approved = user.device().updateChallenge(CredentialKind.PUSH, challengeId, true, null);
            phase.faultStarted();
            challenge.kill();
        } finally {
            kafka.resume();
        }
        assertThat(approved.status()).as("%s", approved).isEqualTo(200);
        challengeServiceSince = phase.faultStarted;
        challenge.restart();
        phase.faultEnded();

        await().atMost(EVENTS).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
                eventIds(topics.read(KafkaTopics.CHALLENGE_EVENTS), challengeId, "challenge.approved"))
                .as("the approval published by the repair after the restart").hasSize(1));
        BrowserClient.Answer verified = browser.verifyPush(challengeId);
        assertThat(verified.flag("isVerified")).as("%s", verified).isTrue();
        finish(phase, "approval published by the repair");
    }

    // --- credential-service --------------------------------------------------------------------------

    @Test
    @Order(6)
    void credentialServiceKilledBetweenTheCommitAndTheRelayThenTheOutboxDrainsAfterTheRestart() throws Exception {
        FaultHandle kafka = faults.kafka();
        FaultHandle credential = faults.credentialService();
        Phase phase = underLoad("credential-service killed before its relay");
        // Kafka frozen: the relay cannot get an acknowledgement, so the committed event stays in the outbox.
        kafka.pause();
        phase.faultStarted();
        PushLoad.User user;
        int outboxRows;
        try {
            user = load.enrol("fault-relay", DeviceProfile.IOS_2_7);
            outboxRows = count("select count(*) from credential_outbox where aggregate_id = ?::uuid", user.credentialId());
            credential.kill();
        } finally {
            kafka.resume();
        }
        enrolled.put(user.credentialId(), user);
        assertThat(outboxRows).as("the enrolment's event was committed, not yet relayed").isEqualTo(1);
        credential.restart();
        phase.faultEnded();

        await().atMost(EVENTS).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(count("select count(*) from credential_outbox where aggregate_id = ?::uuid", user.credentialId()))
                    .as("outbox drained").isZero();
            assertThat(credentialEventIds(topics.read(KafkaTopics.CREDENTIAL_EVENTS), user.credentialId(), "credential.added"))
                    .hasSize(1);
        });
        awaitUsable(user);
        finish(phase, "outbox drained after restart");
    }

    // --- notifier ------------------------------------------------------------------------------------

    @Test
    @Order(7)
    void notifierReplicaKilledWithOpenKioskSocketsThenTheyReconnectToTheOtherAndGetTheirOwnStateChanges() {
        int survivor = stack.notifierPorts().get(0);
        int victim = stack.notifierPorts().get(1);
        SimulatedDevice phone = enrolQrPhone();
        Phase phase = underLoad("notifier replica killed, kiosks open");
        List<KioskClientSocket> onVictim = new ArrayList<>();
        List<String> orphaned = new ArrayList<>();
        try (KioskClientSocket bystander = kiosk(survivor)) {
            String bystanders = created(bystander);
            for (int i = 0; i < 3; i++) {
                KioskClientSocket socket = kiosk(victim);
                onVictim.add(socket);
                orphaned.add(created(socket));
            }
            phase.faultStarted();
            faults.notifier(2).kill();
            for (KioskClientSocket socket : onVictim) {
                await().atMost(Duration.ofSeconds(30)).until(() -> socket.closeCode.isDone());
            }
            // The kiosks reconnect to the replica left and start again: each gets its own events only.
            List<KioskClientSocket> reconnected = new ArrayList<>();
            try {
                for (int i = 0; i < onVictim.size(); i++) {
                    reconnected.add(kiosk(survivor));
                }
                List<String> mine = reconnected.stream().map(this::created).toList();
                // The lost replica's challenges answered now reach nobody.
                for (String old : orphaned) {
                    assertThat(phone.claimQrChallenge(old).status()).isEqualTo(200);
                }
                for (int i = 0; i < reconnected.size(); i++) {
                    assertThat(phone.claimQrChallenge(mine.get(i)).status()).isEqualTo(200);
                    assertStateChange(reconnected.get(i).next(), mine.get(i), "claimed");
                    assertThat(phone.updateChallenge(CredentialKind.QR_CODE, mine.get(i), true, null).status()).isEqualTo(200);
                    assertStateChange(reconnected.get(i).next(), mine.get(i), "approved");
                }
                assertThat(phone.claimQrChallenge(bystanders).status()).isEqualTo(200);
                assertStateChange(bystander.next(), bystanders, "claimed");
                for (KioskClientSocket socket : reconnected) {
                    assertThat(socket.messages).as("no STATE_CHANGE of another socket's challenge").isEmpty();
                }
                assertThat(bystander.messages).isEmpty();
            } finally {
                reconnected.forEach(KioskClientSocket::close);
            }
        } finally {
            onVictim.forEach(KioskClientSocket::close);
        }
        faults.notifier(2).restart();
        phase.faultEnded();
        // The restarted replica serves kiosks again, on the same port.
        try (KioskClientSocket again = kiosk(victim)) {
            String id = created(again);
            assertThat(phone.claimQrChallenge(id).status()).isEqualTo(200);
            assertStateChange(again.next(), id, "claimed");
            assertThat(again.messages).isEmpty();
        }
        finish(phase, "3 sockets reconnected; restarted replica serves");
    }

    // --- at the end ----------------------------------------------------------------------------------

    @Test
    @Order(8)
    void replayingBothTopicsFromTheStartChangesNoStateAndEveryCredentialStillPushes() throws Exception {
        load.stop();
        await().atMost(EVENTS).pollInterval(Duration.ofSeconds(1)).until(() ->
                topics.caughtUp("credential-service-last-verified", KafkaTopics.CHALLENGE_EVENTS)
                        && topics.caughtUp("challenge-service-key-replica", KafkaTopics.CREDENTIAL_EVENTS));
        Map<String, String> before = credentialRows();

        int replayed = topics.republish(KafkaTopics.CHALLENGE_EVENTS) + topics.republish(KafkaTopics.CREDENTIAL_EVENTS);
        await().atMost(EVENTS).pollInterval(Duration.ofSeconds(1)).until(() ->
                topics.caughtUp("credential-service-last-verified", KafkaTopics.CHALLENGE_EVENTS)
                        && topics.caughtUp("challenge-service-key-replica", KafkaTopics.CREDENTIAL_EVENTS));
        assertThat(credentialRows()).as("credential rows after every event was consumed twice").isEqualTo(before);
        enrolled.values().forEach(this::awaitUsable);
        checkInvariants();
        figures.add(new Figure("replay of both topics", 0, 0, -1, replayed, enrolled.size() + " credentials push afterwards"));
    }

    // --- phases --------------------------------------------------------------------------------------

    /** One fault under load: the flows around it, when it began and ended. */
    private final class Phase {
        final String fault;
        final int flowsBefore;
        Instant faultStarted;
        Instant faultEnded;

        Phase(String fault, int flowsBefore) {
            this.fault = fault;
            this.flowsBefore = flowsBefore;
        }

        void faultStarted() {
            faultStarted = Instant.now();
        }

        void faultEnded() {
            faultEnded = Instant.now();
        }
    }

    /** Starts the load and waits until each user has had a flow succeed: the fault meets a working system. */
    private Phase underLoad(String fault) {
        int before = load.flows().size();
        load.start();
        await().atMost(RECOVERY).pollInterval(Duration.ofMillis(200)).until(() -> load.flows().stream().skip(before)
                .filter(PushLoad.Flow::ok).map(f -> f.user().userId()).distinct().count() == VIRTUAL_USERS);
        return new Phase(fault, before);
    }

    /** Waits for the first flow started after the fault to succeed, stops the load, checks the invariants, records the figures. */
    private void finish(Phase phase, String note) {
        Instant[] firstSuccess = new Instant[1];
        await().atMost(RECOVERY).pollInterval(Duration.ofMillis(200)).until(() -> {
            firstSuccess[0] = load.flows().stream().skip(phase.flowsBefore)
                    .filter(f -> f.ok() && !f.started().isBefore(phase.faultEnded))
                    .map(PushLoad.Flow::ended).min(Instant::compareTo).orElse(null);
            return firstSuccess[0] != null;
        });
        load.stop();
        List<PushLoad.Flow> during = load.flows().stream().skip(phase.flowsBefore)
                .filter(f -> f.started().isBefore(phase.faultEnded) && f.ended().isAfter(phase.faultStarted)).toList();
        int ok = (int) during.stream().filter(PushLoad.Flow::ok).count();
        during.stream().filter(f -> !f.ok()).map(PushLoad.Flow::failure).distinct().limit(5)
                .forEach(f -> System.out.println("  " + phase.fault + " failure: " + f));
        int checked = checkInvariants();
        figures.add(new Figure(phase.fault, ok, during.size() - ok,
                Duration.between(phase.faultEnded, firstSuccess[0]).toMillis(), checked, note));
    }

    // --- invariants ----------------------------------------------------------------------------------

    /** Every invariant over everything so far; answers how many events it checked. */
    private int checkInvariants() {
        List<PushLoad.Flow> succeeded = load.flows().stream().filter(PushLoad.Flow::ok).toList();
        int[] checked = new int[1];
        await().atMost(EVENTS).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            List<JsonNode> challengeEvents = topics.read(KafkaTopics.CHALLENGE_EVENTS);
            Map<String, Map<String, Set<String>>> byChallenge = new HashMap<>();
            Map<String, String> challengeOfEventId = new HashMap<>();
            for (JsonNode event : challengeEvents) {
                String id = event.path("eventId").asText();
                String challengeId = event.path("challengeId").asText();
                byChallenge.computeIfAbsent(challengeId, c -> new HashMap<>())
                        .computeIfAbsent(event.path("type").asText(), t -> new HashSet<>()).add(id);
                String other = challengeOfEventId.putIfAbsent(id, challengeId);
                assertThat(other == null || other.equals(challengeId)).as("event id %s on two challenges", id).isTrue();
            }
            byChallenge.forEach((challengeId, types) -> {
                types.forEach((type, ids) -> assertThat(ids).as("%s of %s: one event id", type, challengeId).hasSize(1));
                assertThat(types.containsKey("challenge.approved") && types.containsKey("challenge.rejected"))
                        .as("challenge %s both approved and rejected", challengeId).isFalse();
            });
            for (PushLoad.Flow flow : succeeded) {
                Map<String, Set<String>> types = byChallenge.getOrDefault(flow.challengeId(), Map.of());
                assertThat(types.keySet()).as("events of challenge %s, which its client saw approved", flow.challengeId())
                        .contains("challenge.created", "challenge.approved")
                        .doesNotContain("challenge.rejected", "challenge.expired", "challenge.superseded");
            }
            checked[0] = challengeEvents.size();

            List<JsonNode> credentialEvents = topics.read(KafkaTopics.CREDENTIAL_EVENTS);
            for (String credentialId : enrolled.keySet()) {
                assertThat(credentialEventIds(credentialEvents, credentialId, "credential.added"))
                        .as("credential.added of %s", credentialId).hasSize(1);
            }
            checked[0] += credentialEvents.size();
        });
        for (String credentialId : enrolled.keySet()) {
            assertThat(count("select count(*) from credential where id = ?::uuid and removed_at is null", credentialId))
                    .as("credential %s stored", credentialId).isEqualTo(1);
        }
        // Since the running challenge-service started: a flow started after that was counted by it if
        // its client saw it succeed; one that straddled the kill, or whose answer got lost, may have been.
        List<PushLoad.Flow> flows = load.flows();
        long seen = flows.stream().filter(f -> f.ok() && !f.started().isBefore(challengeServiceSince)).count();
        long unsure = flows.stream().filter(f -> f.approveSent() && f.ended().isAfter(challengeServiceSince)
                && !(f.ok() && !f.started().isBefore(challengeServiceSince))).count();
        double counted = Metrics.scrape(List.of(stack.managementPorts().get("challenge-service")))
                .value(ENDED, "method", "push", "outcome", "approved");
        assertThat(counted).as("push approvals counted by challenge-service since it started (no approval counted twice)")
                .isBetween((double) seen, (double) seen + unsure);
        return checked[0];
    }

    /**
     * Enrols through the edge with a client that gives up after {@link #ABANDON_AFTER} and closes its
     * connection; answers the response if one came in time, else null.
     */
    private String abandonedEnrolment(SimulatedDevice device, String trackToken) {
        String body = "{\"publicKey\":\"" + device.publicKey(CredentialKind.PUSH) + "\",\"deviceName\":\""
                + device.profile().deviceName() + "\",\"devicePlatform\":\"" + device.profile().devicePlatform() + "\"}";
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(stack.baseUrl() + "/client/user-authenticators/" + CredentialKind.PUSH.wireName()))
                .timeout(ABANDON_AFTER)
                .header("Authorization", "Bearer " + trackToken)
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
        // A client of its own, so that giving up closes a connection nobody else uses.
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        try {
            return client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.net.http.HttpTimeoutException gaveUp) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> eventIds(List<JsonNode> events, String challengeId, String type) {
        return events.stream().filter(e -> challengeId.equals(e.path("challengeId").asText()) && type.equals(e.path("type").asText()))
                .map(e -> e.path("eventId").asText()).collect(Collectors.toSet());
    }

    private static Set<String> credentialEventIds(List<JsonNode> events, String credentialId, String type) {
        return events.stream().filter(e -> credentialId.equals(e.path("credentialId").asText()) && type.equals(e.path("type").asText()))
                .map(e -> e.path("eventId").asText()).collect(Collectors.toSet());
    }

    /** A complete push flow for this user succeeds (within the recovery bound: the replica may be reading through). */
    private void awaitUsable(PushLoad.User user) {
        await().atMost(RECOVERY).pollInterval(Duration.ofSeconds(1)).until(() -> {
            PushLoad.Flow flow = load.flow(user);
            return flow.ok();
        });
    }

    // --- PostgreSQL ----------------------------------------------------------------------------------

    private int count(String sql, String... parameters) {
        try (Connection c = connect(); PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Each credential's row as text: what a replay must leave as it was. */
    private Map<String, String> credentialRows() {
        Map<String, String> rows = new HashMap<>();
        try (Connection c = connect(); PreparedStatement statement = c.prepareStatement(
                "select id, version, last_verified_at, removed_at, push_token from credential");
                ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                rows.put(result.getString(1), result.getString(2) + "|" + result.getString(3) + "|" + result.getString(4)
                        + "|" + result.getString(5));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    private Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", stack.postgres().username());
        props.setProperty("password", stack.postgres().password());
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", "30");
        return DriverManager.getConnection(stack.postgres().jdbcUrl(), props);
    }

    // --- kiosks --------------------------------------------------------------------------------------

    private SimulatedDevice enrolQrPhone() {
        ServerApi.Answer enrolment = server.track("fault-kiosk-" + UUID.randomUUID(), "enrol", "{\"scope\":\"add:authenticators\"}");
        assertThat(enrolment.status()).as("%s", enrolment).isEqualTo(200);
        SimulatedDevice device = SimulatedDevice.create(DeviceProfile.ANDROID_3_8, stack.baseUrl(), stack.tenantId());
        DeviceResponse added = device.addCredential(CredentialKind.QR_CODE, enrolment.text("token"));
        assertThat(added.status()).as("%s", added).isEqualTo(200);
        return device;
    }

    private KioskClientSocket kiosk(int port) {
        return KioskClientSocket.open(port, List.of("authsignal-ws", "x.authsignal.tenant." + stack.tenantId()),
                Map.of("X-Forwarded-For", "198.51.100." + ThreadLocalRandom.current().nextInt(1, 255), "User-Agent", USER_AGENT));
    }

    private String created(KioskClientSocket socket) {
        JsonNode created = socket.createChallenge("kioskLogin", null);
        assertThat(created.path("type").asText()).as("%s", created).isEqualTo("CHALLENGE_CREATED");
        return created.path("data").path("challengeId").asText();
    }

    private static void assertStateChange(JsonNode message, String challengeId, String state) {
        assertThat(message.path("type").asText()).as("%s", message).isEqualTo("STATE_CHANGE");
        assertThat(message.path("data").path("challengeId").asText()).as("%s", message).isEqualTo(challengeId);
        assertThat(message.path("data").path("state").asText()).as("%s", message).isEqualTo(state);
    }

    // --- figures -------------------------------------------------------------------------------------

    /** The fault's duration: the only wait here that is not for a condition. */
    private static void hold(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeFigures() {
        StringBuilder table = new StringBuilder("| Fault | Flows ok during | Flows failed during | First success after (ms) | Events checked | Note |\n")
                .append("| --- | --- | --- | --- | --- | --- |\n");
        for (Figure f : figures) {
            table.append("| ").append(f.fault()).append(" | ").append(f.ok()).append(" | ").append(f.failed()).append(" | ")
                    .append(f.firstSuccessMillis() < 0 ? "–" : String.valueOf(f.firstSuccessMillis())).append(" | ")
                    .append(f.eventsChecked()).append(" | ").append(f.note()).append(" |\n");
        }
        System.out.println("Fault injection figures:\n" + table);
        try {
            Path file = Path.of("target", "fault-figures.md");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "# Fault injection figures\n\n" + table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
