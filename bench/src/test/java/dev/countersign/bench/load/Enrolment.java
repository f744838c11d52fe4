package dev.countersign.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;

/**
 * The setup phase, not measured: N users, each with a phone enrolled through the Server API's
 * track (scope {@code add:authenticators}) and the device's add-credential, as the end-to-end tests
 * do — the credential kind the flow needs, the two SDK profiles alternating. A push phone fetches
 * once, as an app does when it starts, so challenge-service knows its key before the first push.
 * The users wait in a pool: a flow borrows one and gives it back, so no two flows share a user.
 */
final class Enrolment {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    record User(String id, SimulatedDevice device) {
    }

    private final ConcurrentLinkedQueue<User> pool = new ConcurrentLinkedQueue<>();

    static Enrolment enrol(LoadSettings settings) {
        CredentialKind kind = switch (settings.flow()) {
            case PUSH -> CredentialKind.PUSH;
            case QR_WS, QR_POLL -> CredentialKind.QR_CODE;
            case IN_APP -> CredentialKind.IN_APP;
        };
        String run = UUID.randomUUID().toString().substring(0, 8);
        ExecutorService workers = Executors.newFixedThreadPool(4);
        try {
            List<Future<User>> futures = new ArrayList<>();
            for (int i = 0; i < settings.users(); i++) {
                DeviceProfile profile = DeviceProfile.values()[i % DeviceProfile.values().length];
                String userId = "bench-" + run + "-" + i;
                futures.add(workers.submit(() -> enrolOne(settings, userId, profile, kind)));
            }
            Enrolment enrolment = new Enrolment();
            for (Future<User> future : futures) {
                enrolment.pool.add(future.get());
            }
            return enrolment;
        } catch (Exception e) {
            throw new IllegalStateException("Enrolment failed: " + e.getMessage(), e);
        } finally {
            workers.shutdownNow();
        }
    }

    private static User enrolOne(LoadSettings settings, String userId, DeviceProfile profile, CredentialKind kind) {
        JsonNode tracked = serverApi(settings, "POST", "/users/" + userId + "/actions/enrol", "{\"scope\":\"add:authenticators\"}");
        SimulatedDevice device = SimulatedDevice.create(profile, settings.baseUrl(), settings.tenantId());
        DeviceResponse added = device.addCredential(kind, tracked.path("token").asText());
        if (added.status() != 200) {
            throw new IllegalStateException("add credential for " + userId + ": " + added);
        }
        if (kind == CredentialKind.PUSH) {
            DeviceResponse fetched = device.getPushChallenge();
            if (fetched.status() != 200) {
                throw new IllegalStateException("first fetch for " + userId + ": " + fetched);
            }
        }
        return new User(userId, device);
    }

    /** A Server API call ({@code Basic base64(secret:)}); anything but 200 stops the run. */
    static JsonNode serverApi(LoadSettings settings, String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", secretBasic(settings))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String secretBasic(LoadSettings settings) {
        return "Basic " + Base64.getEncoder().encodeToString((settings.secretKey() + ":").getBytes(StandardCharsets.UTF_8));
    }

    /** The browser's tenant Basic ({@code btoa(tenantId)}, no colon), as a polling kiosk sends it. */
    static String tenantBasic(LoadSettings settings) {
        return "Basic " + Base64.getEncoder().encodeToString(settings.tenantId().getBytes(StandardCharsets.UTF_8));
    }

    /** A free user, or null when every one is in a flow (an open-model rate above what the pool covers). */
    User borrow() {
        return pool.poll();
    }

    void giveBack(User user) {
        pool.add(user);
    }
}
