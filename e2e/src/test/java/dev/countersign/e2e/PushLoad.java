package dev.countersign.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.local.launcher.CountersignStack;

/**
 * A bounded load of complete push flows: a few virtual users, each a user of its own with one
 * enrolled push device (real keys), running track → browser challenge → device fetch → signed
 * approval → browser poll → validate, one flow after the other with a short pause between. Every
 * flow is recorded with its outcome, so a test can tell what the clients saw succeed.
 */
final class PushLoad {

    /** Between two flows of one user: keeps the load bounded on a 2-core machine. */
    private static final Duration PACE = Duration.ofMillis(250);

    /** One virtual user: its user id, device and push credential. */
    record User(String userId, SimulatedDevice device, String credentialId) {
    }

    /**
     * One flow as its client saw it. {@code approveSent}: the approval went out, so the server may
     * have counted it even if the client saw no answer.
     */
    record Flow(User user, String challengeId, Instant started, Instant ended, boolean ok, boolean approveSent,
            String failure) {
    }

    private final CountersignStack stack;
    private final ServerApi server;
    private final List<User> users = new ArrayList<>();
    private final List<Flow> flows = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    PushLoad(CountersignStack stack) {
        this.stack = stack;
        this.server = new ServerApi(stack.baseUrl(), stack.secretKey());
    }

    /** Enrols a fresh user with a push device; answers it once credential-service said 200. */
    User enrol(String prefix, DeviceProfile profile) {
        String userId = prefix + "-" + UUID.randomUUID();
        ServerApi.Answer tracked = server.track(userId, "enrol", "{\"scope\":\"add:authenticators\"}");
        if (tracked.status() != 200) {
            throw new AssertionError("enrol track: " + tracked);
        }
        SimulatedDevice device = SimulatedDevice.create(profile, stack.baseUrl(), stack.tenantId());
        DeviceResponse added = device.addCredential(CredentialKind.PUSH, tracked.text("token"));
        if (added.status() != 200) {
            throw new AssertionError("add credential: " + added);
        }
        return new User(userId, device, added.text("userAuthenticatorId"));
    }

    /** The virtual users this load runs; add them before {@link #start()}. */
    void addUser(User user) {
        users.add(user);
    }

    List<User> users() {
        return List.copyOf(users);
    }

    synchronized void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        threads.clear();
        for (User user : users) {
            Thread thread = new Thread(() -> {
                while (running.get()) {
                    flow(user);
                    pace();
                }
            }, "virtual-user-" + user.userId());
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    /** Stops after each user's current flow (each request is bounded by its client's timeout). */
    synchronized void stop() {
        running.set(false);
        for (Thread thread : threads) {
            try {
                thread.join(Duration.ofMinutes(2).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    List<Flow> flows() {
        return List.copyOf(flows);
    }

    /** One complete push flow for {@code user}; recorded, and answered. */
    Flow flow(User user) {
        Instant started = Instant.now();
        String challengeId = null;
        boolean approveSent = false;
        String failure;
        try {
            ServerApi.Answer tracked = server.track(user.userId(), "signIn", "{}");
            if (tracked.status() != 200 || !"CHALLENGE_REQUIRED".equals(tracked.text("state"))) {
                failure = "track " + tracked;
            } else {
                BrowserClient browser = new BrowserClient(stack.baseUrl(), tracked.text("token"));
                BrowserClient.Answer pushed = browser.challengePush("signIn");
                challengeId = pushed.text("challengeId");
                if (pushed.status() != 200 || challengeId == null) {
                    failure = "challenge " + pushed;
                    challengeId = null;
                } else {
                    DeviceResponse fetched = user.device().getPushChallenge();
                    if (fetched.status() != 200 || !challengeId.equals(fetched.text("challengeId"))) {
                        failure = "fetch " + fetched.status() + " " + fetched.body();
                    } else {
                        approveSent = true;
                        DeviceResponse approved = user.device().updateChallenge(CredentialKind.PUSH, challengeId, true, null);
                        if (approved.status() != 200 || !approved.json().path("isVerified").asBoolean(false)) {
                            failure = "approve " + approved.status() + " " + approved.body();
                        } else {
                            BrowserClient.Answer verified = browser.verifyPush(challengeId);
                            if (verified.status() != 200 || !verified.flag("isVerified") || verified.text("accessToken") == null) {
                                failure = "verify " + verified;
                            } else {
                                ServerApi.Answer validated = server.validate(verified.text("accessToken"));
                                failure = validated.status() == 200 && validated.json().path("isValid").asBoolean(false)
                                        && "CHALLENGE_SUCCEEDED".equals(validated.text("state")) ? null : "validate " + validated;
                            }
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        Flow flow = new Flow(user, challengeId, started, Instant.now(), failure == null, approveSent, failure);
        flows.add(flow);
        return flow;
    }

    private void pace() {
        try {
            Thread.sleep(PACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }
}
