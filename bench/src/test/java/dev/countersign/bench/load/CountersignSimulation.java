package dev.countersign.bench.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAsDuring;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;
import static io.gatling.javaapi.http.HttpDsl.ws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.bench.load.Enrolment.User;
import dev.countersign.bench.resources.ResourceSampler;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.device.DeviceRequest;
import io.gatling.http.action.ws.WsInboundMessage;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.core.exec.Executable;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

/**
 * One flow of docs/flows.md under load, chosen by {@code -Dflow} (docs/benchmarks.md): push, QR over
 * the kiosk WebSocket ({@code qr-ws}), QR by polling ({@code qr-poll}) or in-app. Every step is its
 * own request name, so the report times each. Device steps send exactly what
 * {@link dev.countersign.device.SimulatedDevice} builds — its keys, its signatures, its SDK profile's
 * headers and body — with Gatling's client. A warm-up phase runs first under names prefixed
 * {@code warm-up}; the measured phase follows at the same load.
 */
public class CountersignSimulation extends Simulation {

    private static final String USER = "user";
    private static final String REQUEST = "deviceRequest";
    private static final String WARM_UP = "warm-up ";
    private static final String STEP = "step";
    private static final String STEP_START = "stepStart";
    private static final String FLOW_START = "flowStart";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What {@code @authsignal/browser} sends on the kiosk socket. */
    private static final String CREATE_CHALLENGE =
            "{\"type\":\"CREATE_CHALLENGE\",\"data\":{\"challengeType\":\"QR_CODE\",\"actionCode\":\"kioskLogin\"}}";

    private final LoadSettings settings = LoadSettings.fromSystem();
    private final Enrolment enrolment = Enrolment.enrol(settings);
    private final Optional<ResourceSampler> sampler = ResourceSampler.forLauncher(settings.launcherPid());
    private final AtomicBoolean sampling = new AtomicBoolean();
    private final AtomicLong completedFlows = new AtomicLong();
    private final AtomicLong noFreeUser = new AtomicLong();
    private final FlowRecorder recorder = new FlowRecorder();

    {
        System.out.println("Countersign load: " + settings + "; resource sampler "
                + sampler.map(s -> "on launcher pid " + s.launcherPid()).orElse("off (no single local launcher)"));
        HttpProtocolBuilder protocol = http.baseUrl(settings.baseUrl())
                .wsBaseUrl(settings.webSocketBase())
                // The kiosk's claimed / approved messages arrive unasked; keep them until the flow looks.
                .wsUnmatchedInboundMessageBufferSize(16)
                .shareConnections()
                .disableWarmUp()
                .disableCaching();

        ScenarioBuilder measured = scenario(settings.flow().label).exec(flow("", true));
        PopulationBuilder run;
        if (settings.rate().isPresent()) {
            double rate = settings.rate().get();
            run = measured.injectOpen(constantUsersPerSec(rate).during(settings.durationSeconds()));
            if (settings.warmUpSeconds() > 0) {
                run = scenario(WARM_UP + settings.flow().label).exec(flow(WARM_UP, false))
                        .injectOpen(constantUsersPerSec(rate).during(settings.warmUpSeconds())).andThen(run);
            }
        } else {
            int concurrency = settings.concurrency();
            run = measured.injectClosed(constantConcurrentUsers(concurrency).during(settings.durationSeconds()));
            if (settings.warmUpSeconds() > 0) {
                run = scenario(WARM_UP + settings.flow().label).exec(flow(WARM_UP, false))
                        .injectClosed(constantConcurrentUsers(concurrency).during(settings.warmUpSeconds())).andThen(run);
            }
        }
        setUp(run).protocols(protocol).assertions(global().failedRequests().percent().lt(1.0));
    }

    @Override
    public void after() {
        sampler.ifPresent(ResourceSampler::stop);
        Path summary = Optional.ofNullable(System.getProperty("countersign.bench.summary")).map(Path::of)
                .orElseGet(() -> resultsDirectory().resolve("summary.json"));
        try {
            recorder.write(summary, settings, sampler, noFreeUser.get());
            System.out.println("Summary written to " + summary.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sampler.ifPresent(s -> {
            Path report = resultsDirectory().resolve("resources.md");
            try {
                s.writeReport(report, "Server processes: " + settings.flow().label + ", " + settings.model(), completedFlows.get());
                System.out.println(s.report("Server processes: " + settings.flow().label + ", " + settings.model(),
                        completedFlows.get()));
                System.out.println("Written to " + report.toAbsolutePath());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            s.close();
        });
        System.out.println("Completed flows (measured): " + completedFlows.get()
                + (noFreeUser.get() > 0 ? "; flows without a free enrolled user: " + noFreeUser.get() + " (raise -Dusers)" : ""));
    }

    /** Gatling writes this run's report into the newest directory of its results folder. */
    private static Path resultsDirectory() {
        Path results = Path.of(System.getProperty("countersign.bench.results", "target/gatling"));
        try (Stream<Path> runs = Files.exists(results) ? Files.list(results) : Stream.empty()) {
            return runs.filter(Files::isDirectory)
                    .max(Comparator.comparingLong(p -> p.toFile().lastModified()))
                    .orElse(results);
        } catch (IOException e) {
            return results;
        }
    }

    // --- a flow: borrow an enrolled user, run the steps, give the user back ------------------------

    private ChainBuilder flow(String prefix, boolean measured) {
        ChainBuilder steps = switch (settings.flow()) {
            case PUSH -> push(prefix);
            case QR_WS -> qrWebSocket(prefix);
            case QR_POLL -> qrPolling(prefix);
            case IN_APP -> inApp(prefix);
        };
        return exec(session -> {
            if (measured && sampling.compareAndSet(false, true)) {
                recorder.measuredPhaseStarts();
                sampler.ifPresent(ResourceSampler::start); // CPU is counted from the measured phase on
            }
            User user = enrolment.borrow();
            if (user == null) {
                noFreeUser.incrementAndGet();
                return session.markAsFailed();
            }
            return session.set(USER, user).set(FLOW_START, System.nanoTime());
        })
                .exitHereIfFailed()
                .exitBlockOnFail().on(steps)
                .exec(session -> {
                    enrolment.giveBack(session.get(USER));
                    if (!session.isFailed()) {
                        recorder.completed(System.nanoTime() - session.getLong(FLOW_START), measured);
                        if (measured) {
                            completedFlows.incrementAndGet();
                        }
                    } else if (measured) {
                        recorder.failed(session.contains(STEP) ? session.getString(STEP) : "before the first step");
                    }
                    return session;
                });
    }

    /** Backend tracks → browser starts the push → phone fetches and approves (signed) → browser verifies → backend validates. */
    private ChainBuilder push(String p) {
        return exec(timed(p + "push 1 track", serverApi(p + "push 1 track", session -> "/users/" + user(session).id() + "/actions/signIn", "{}")
                .check(jsonPath("$.token").saveAs("token"))))
                .exec(timed(p + "push 2 challenge", http(p + "push 2 challenge").post("/client/challenge/push")
                        .header("Authorization", "Bearer #{token}").header("Content-Type", "application/json")
                        .body(StringBody("{\"action\":\"signIn\"}"))
                        .check(status().is(200), jsonPath("$.challengeId").saveAs("challengeId"))))
                .exec(session -> session.set(REQUEST, user(session).device().getPushChallengeRequest()))
                .exec(timed(p + "push 3 device fetch", device(p + "push 3 device fetch", "GET")
                        .check(status().is(200), jsonPath("$.challengeId").is(session -> session.getString("challengeId")))))
                .exec(session -> session.set(REQUEST, user(session).device()
                        .updateChallengeRequest(CredentialKind.PUSH, session.getString("challengeId"), true, null)))
                .exec(timed(p + "push 4 device approve", device(p + "push 4 device approve", "POST")
                        .check(status().is(200), jmesPath("isVerified").ofBoolean().is(true))))
                .exec(timed(p + "push 5 verify", http(p + "push 5 verify").post("/client/verify/push")
                        .header("Authorization", "Bearer #{token}").header("Content-Type", "application/json")
                        .body(StringBody("{\"challengeId\":\"#{challengeId}\"}"))
                        .check(status().is(200), jmesPath("isVerified").ofBoolean().is(true),
                                jsonPath("$.accessToken").saveAs("accessToken"))))
                .exec(timed(p + "push 6 validate", validate(p + "push 6 validate", null)));
    }

    /**
     * A kiosk's WebSocket creates the challenge → phone claims → kiosk gets {@code claimed} → phone
     * approves → kiosk gets {@code approved} with the token → backend validates. The two pushed
     * messages are timed as groups (from the device's answer to the message's arrival, polled every 2 ms).
     */
    private ChainBuilder qrWebSocket(String p) {
        return exec(timed(p + "qr-ws 1 connect", ws(p + "qr-ws 1 connect").connect("/ws-v1-challenge")
                .subprotocol("authsignal-ws, x.authsignal.tenant." + settings.tenantId())))
                .exec(timed(p + "qr-ws 2 create", ws(p + "qr-ws 2 create").sendText(CREATE_CHALLENGE)
                        .await(Duration.ofSeconds(10)).on(ws.checkTextMessage(p + "qr-ws 2 created")
                                .check(jsonPath("$.type").is("CHALLENGE_CREATED"), jsonPath("$.data.challengeId").saveAs("challengeId")))))
                .exec(session -> session.set(REQUEST, user(session).device().claimQrChallengeRequest(session.getString("challengeId"))))
                .exec(timed(p + "qr-ws 3 device claim", device(p + "qr-ws 3 device claim", "POST")
                        .check(status().is(200), jmesPath("success").ofBoolean().is(true))))
                .exec(timed(p + "qr-ws 4 claimed message", group(p + "qr-ws 4 claimed message").on(awaitKioskState("claimed"))))
                .exec(session -> session.set(REQUEST, user(session).device()
                        .updateChallengeRequest(CredentialKind.QR_CODE, session.getString("challengeId"), true, null)))
                .exec(timed(p + "qr-ws 5 device approve", device(p + "qr-ws 5 device approve", "POST")
                        .check(status().is(200), jmesPath("isVerified").ofBoolean().is(true))))
                .exec(timed(p + "qr-ws 6 approved message", group(p + "qr-ws 6 approved message").on(awaitKioskState("approved"))))
                .exec(timed(p + "qr-ws 7 validate", validate(p + "qr-ws 7 validate", null)))
                .exec(timed(p + "qr-ws 8 close", ws(p + "qr-ws 8 close").close()));
    }

    /** Waits (10 s at most) for {@code STATE_CHANGE <state>} of this flow's challenge; an approval's token is kept. */
    private static ChainBuilder awaitKioskState(String state) {
        String seen = "seen-" + state;
        return asLongAsDuring(session -> !session.contains(seen), Duration.ofSeconds(10)).on(
                pause(Duration.ofMillis(2)),
                ws.processUnmatchedMessages((messages, session) -> {
                    for (WsInboundMessage message : messages) {
                        if (message instanceof WsInboundMessage.Text text) {
                            JsonNode json = parse(text.message());
                            JsonNode data = json.path("data");
                            if ("STATE_CHANGE".equals(json.path("type").asText())
                                    && session.getString("challengeId").equals(data.path("challengeId").asText())
                                    && state.equals(data.path("state").asText())) {
                                session = session.set(seen, true);
                                if (data.hasNonNull("accessToken")) {
                                    session = session.set("accessToken", data.get("accessToken").asText());
                                }
                            }
                        }
                    }
                    return session;
                }))
                .exec(session -> session.contains(seen) ? session : session.markAsFailed());
    }

    /** A kiosk polling with its device code: create → poll (pending) → phone claims and approves → poll (token) → validate. */
    private ChainBuilder qrPolling(String p) {
        String kiosk = Enrolment.tenantBasic(settings);
        return exec(timed(p + "qr-poll 1 create", http(p + "qr-poll 1 create").post("/client/challenge/qr-code")
                .header("Authorization", kiosk).header("Content-Type", "application/json")
                .body(StringBody("{\"action\":\"kioskLogin\"}"))
                .check(status().is(200), jsonPath("$.challengeId").saveAs("challengeId"), jsonPath("$.deviceCode").saveAs("deviceCode"))))
                .exec(timed(p + "qr-poll 2 poll pending", poll(p + "qr-poll 2 poll pending", kiosk)
                        .check(jmesPath("isClaimed").ofBoolean().is(false))))
                .exec(session -> session.set(REQUEST, user(session).device().claimQrChallengeRequest(session.getString("challengeId"))))
                .exec(timed(p + "qr-poll 3 device claim", device(p + "qr-poll 3 device claim", "POST")
                        .check(status().is(200), jmesPath("success").ofBoolean().is(true))))
                .exec(session -> session.set(REQUEST, user(session).device()
                        .updateChallengeRequest(CredentialKind.QR_CODE, session.getString("challengeId"), true, null)))
                .exec(timed(p + "qr-poll 4 device approve", device(p + "qr-poll 4 device approve", "POST")
                        .check(status().is(200), jmesPath("isVerified").ofBoolean().is(true))))
                .exec(timed(p + "qr-poll 5 poll verified", poll(p + "qr-poll 5 poll verified", kiosk)
                        .check(jmesPath("isVerified").ofBoolean().is(true), jsonPath("$.accessToken").saveAs("accessToken"))))
                .exec(timed(p + "qr-poll 6 validate", validate(p + "qr-poll 6 validate", null)));
    }

    private static HttpRequestActionBuilder poll(String name, String kiosk) {
        return http(name).post("/client/verify/qr-code")
                .header("Authorization", kiosk).header("Content-Type", "application/json")
                .body(StringBody("{\"challengeId\":\"#{challengeId}\",\"deviceCode\":\"#{deviceCode}\"}"))
                .check(status().is(200));
    }

    /** The app asks for a challenge, signs it and gets a token for the action → the backend validates it for that action. */
    private ChainBuilder inApp(String p) {
        return exec(session -> session.set(REQUEST, user(session).device().createInAppChallengeRequest("transfer")))
                .exec(timed(p + "in-app 1 challenge", device(p + "in-app 1 challenge", "POST")
                        .check(status().is(200), jsonPath("$.challengeId").saveAs("challengeId"))))
                .exec(session -> session.set(REQUEST, user(session).device().verifyInAppRequest(session.getString("challengeId"))))
                .exec(timed(p + "in-app 2 verify", device(p + "in-app 2 verify", "POST")
                        .check(status().is(200), jsonPath("$.token").saveAs("accessToken"))))
                .exec(timed(p + "in-app 3 validate", validate(p + "in-app 3 validate", "transfer")));
    }

    /**
     * One step, timed for the run's summary from just before its request to just after its checks
     * (a device step's signing happens before, outside it); a failure is put down to the step it
     * happened in. Warm-up steps are not recorded.
     */
    private ChainBuilder timed(String name, Executable step) {
        boolean measured = !name.startsWith(WARM_UP);
        return exec(session -> session.set(STEP, name).set(STEP_START, System.nanoTime()))
                .exec(step)
                .exec(session -> {
                    if (measured) {
                        recorder.step(name, System.nanoTime() - session.getLong(STEP_START));
                    }
                    return session;
                });
    }

    // --- requests --------------------------------------------------------------------------------

    /** The Server API's validate; the token must be valid (for {@code action} when given). */
    private HttpRequestActionBuilder validate(String name, String action) {
        String body = action == null ? "{\"token\":\"#{accessToken}\"}" : "{\"token\":\"#{accessToken}\",\"action\":\"" + action + "\"}";
        return serverApi(name, session -> "/validate", body).check(jmesPath("isValid").ofBoolean().is(true));
    }

    private HttpRequestActionBuilder serverApi(String name, java.util.function.Function<Session, String> path, String body) {
        return http(name).post(path)
                .header("Authorization", Enrolment.secretBasic(settings)).header("Content-Type", "application/json")
                .body(StringBody(body))
                .check(status().is(200));
    }

    /** The device request in the session, sent as built: method, URL, the SDK's headers and body. */
    private static HttpRequestActionBuilder device(String name, String method) {
        HttpRequestActionBuilder request = http(name).httpRequest(method, session -> request(session).uri().toString());
        List<String> headers = method.equals("GET") ? List.of("Authorization", "User-Agent", "Accept")
                : List.of("Authorization", "Content-Type", "User-Agent", "Accept");
        for (String header : headers) {
            request = request.header(header, session -> request(session).header(header));
        }
        return method.equals("GET") ? request : request.body(StringBody(session -> request(session).body()));
    }

    private static DeviceRequest request(Session session) {
        return session.get(REQUEST);
    }

    private static User user(Session session) {
        return session.get(USER);
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }
}
