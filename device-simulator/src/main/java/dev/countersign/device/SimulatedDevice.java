package dev.countersign.device;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.countersign.common.credential.CredentialKind;

/**
 * A phone running the Authsignal SDK, for tests and the device CLI: real P-256 keys (one per feature)
 * and the exact requests of Android 3.8.0 or iOS 2.7.0 (docs/protocol/wire.md#3-device-endpoints-mobile-sdks). Every call returns the
 * server's answer together with the request as sent; nothing is checked here, the caller asserts.
 *
 * <p>Plain Java (JDK HTTP client, BouncyCastle, Jackson for reading answers): usable from a
 * {@code @QuarkusTest}, an end-to-end test or a main method alike.
 */
public final class SimulatedDevice {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade headers: the SDKs' stacks send none to plain http
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final long WINDOW_SECONDS = 600;

    private final DeviceProfile profile;
    private final String baseUrl;
    private final String tenantId;
    private final Map<CredentialKind, DeviceKey> keys;
    private final Map<String, String> extraHeaders;

    private SimulatedDevice(DeviceProfile profile, String baseUrl, String tenantId, Map<CredentialKind, DeviceKey> keys) {
        this(profile, baseUrl, tenantId, keys, Map.of());
    }

    private SimulatedDevice(DeviceProfile profile, String baseUrl, String tenantId, Map<CredentialKind, DeviceKey> keys,
            Map<String, String> extraHeaders) {
        this.profile = Objects.requireNonNull(profile);
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.tenantId = Objects.requireNonNull(tenantId);
        this.keys = keys;
        this.extraHeaders = Map.copyOf(extraHeaders);
    }

    /** A device with a fresh key pair per feature. {@code baseUrl} includes the version, e.g. {@code http://127.0.0.1:8080/v1}. */
    public static SimulatedDevice create(DeviceProfile profile, String baseUrl, String tenantId) {
        Map<CredentialKind, DeviceKey> keys = new EnumMap<>(CredentialKind.class);
        for (CredentialKind kind : CredentialKind.values()) {
            keys.put(kind, DeviceKey.generate());
        }
        return new SimulatedDevice(profile, baseUrl, tenantId, keys);
    }

    /** A device whose features all use the given PKCS#8 key (deterministic tests, the protocol vector). */
    public static SimulatedDevice withPrivateKey(DeviceProfile profile, String baseUrl, String tenantId, String pkcs8Base64) {
        DeviceKey key = DeviceKey.fromPkcs8(pkcs8Base64);
        Map<CredentialKind, DeviceKey> keys = new EnumMap<>(CredentialKind.class);
        for (CredentialKind kind : CredentialKind.values()) {
            keys.put(kind, key);
        }
        return new SimulatedDevice(profile, baseUrl, tenantId, keys);
    }

    /** A device with the given key per feature (a device kept between runs, e.g. by the device CLI). */
    public static SimulatedDevice withKeys(DeviceProfile profile, String baseUrl, String tenantId,
            Map<CredentialKind, DeviceKey> keys) {
        Map<CredentialKind, DeviceKey> copy = new EnumMap<>(CredentialKind.class);
        copy.putAll(keys);
        for (CredentialKind kind : CredentialKind.values()) {
            if (!copy.containsKey(kind)) {
                throw new IllegalArgumentException("No key for " + kind);
            }
        }
        return new SimulatedDevice(profile, baseUrl, tenantId, copy);
    }

    /** The same keys speaking another SDK's dialect (one credential reached by both clients' encodings). */
    public SimulatedDevice as(DeviceProfile otherProfile) {
        return new SimulatedDevice(otherProfile, baseUrl, tenantId, keys, extraHeaders);
    }

    /** The same device talking to another tenant (cross-tenant tests). */
    public SimulatedDevice forTenant(String otherTenantId) {
        return new SimulatedDevice(profile, baseUrl, otherTenantId, keys, extraHeaders);
    }

    /**
     * The same device adding a header to every request after the SDK's own, as an app instrumented
     * with OpenTelemetry adds {@code traceparent} (tracing tests).
     */
    public SimulatedDevice withHeader(String name, String value) {
        Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
        headers.put(name, value);
        return new SimulatedDevice(profile, baseUrl, tenantId, keys, headers);
    }

    public DeviceProfile profile() {
        return profile;
    }

    public String tenantId() {
        return tenantId;
    }

    public DeviceKey key(CredentialKind kind) {
        return keys.get(kind);
    }

    /** SPKI DER base64 of the feature's key, as sent in {@code publicKey} body fields. */
    public String publicKey(CredentialKind kind) {
        return keys.get(kind).spkiBase64();
    }

    public String sign(CredentialKind kind, String message) {
        return keys.get(kind).sign(message);
    }

    /** This profile's tenant {@code Authorization: Basic …} value. */
    public String basicAuthorization() {
        return profile.basicAuthorization(tenantId);
    }

    /** This profile's {@code ?publicKey=} value for the feature's key. */
    public String publicKeyQueryValue(CredentialKind kind) {
        return profile.publicKeyQueryValue(publicKey(kind));
    }

    /** {@code floor(epochSeconds / 600)}: the remove-credential time window. */
    public static long timeWindow(Instant now) {
        return Math.floorDiv(now.getEpochSecond(), WINDOW_SECONDS);
    }

    /** The signed remove message: the window printed as a floating-point number, e.g. {@code "2940774.0"} (docs/protocol/wire.md#24-what-is-signed). */
    public static String timeMessage(long window) {
        return Double.toString((double) window);
    }

    public static String timeMessage(Instant now) {
        return timeMessage(timeWindow(now));
    }

    // --- docs/protocol/wire.md#31-get-a-credential to docs/protocol/wire.md#33-remove-a-credential: credentials ------------------------------------------------------------

    /** docs/protocol/wire.md#32-add-a-credential add credential, with the track token as Bearer. */
    public DeviceResponse addCredential(CredentialKind kind, String trackToken) {
        return post(credentialPath(kind), "Bearer " + trackToken, addBody(kind));
    }

    /** The add body's fields every SDK version sends, in their order. */
    private WireJson addBody(CredentialKind kind) {
        return WireJson.object()
                .put("publicKey", publicKey(kind))
                .put("deviceName", profile.deviceName())
                .put("devicePlatform", profile.devicePlatform());
    }

    /** docs/protocol/wire.md#32-add-a-credential add credential with the newer SDKs' {@code pushToken} (docs/protocol/wire.md#72-additions-of-the-newer-sdks: Android 3.8.1, iOS 2.7.1). */
    public DeviceResponse addCredential(CredentialKind kind, String trackToken, String pushToken) {
        return post(credentialPath(kind), "Bearer " + trackToken, addBody(kind).put("pushToken", pushToken));
    }

    /**
     * docs/protocol/wire.md#34-generic-challenge-and-attestation-nonce the attestation nonce for the
     * track token's action: {@code POST /client/challenge}, Bearer track token, {@code {}}.
     */
    public DeviceResponse requestAttestationNonce(String trackToken) {
        return post("/client/challenge", "Bearer " + trackToken, WireJson.object());
    }

    /**
     * docs/protocol/wire.md#32-add-a-credential add credential with an App Attest statement (e.g. from
     * {@code AppAttestAuthority}) as the official iOS SDK sends it: {@code provider}, {@code token}
     * and {@code keyId}, the nonce only hashed inside the statement (docs/attestation.md).
     */
    public DeviceResponse addCredentialWithAppAttest(CredentialKind kind, String trackToken, String statement,
            String keyId) {
        return addCredentialWithAppAttest(kind, trackToken, statement, keyId, null);
    }

    /**
     * docs/protocol/wire.md#32-add-a-credential add credential with an App Attest statement (e.g. from
     * {@code AppAttestAuthority}) and Countersign's {@code nonce} beside it, which the official iOS
     * SDK does not send (docs/attestation.md): Countersign's own addition, still accepted.
     */
    public DeviceResponse addCredentialWithAppAttest(CredentialKind kind, String trackToken, String statement,
            String keyId, String nonce) {
        return addCredentialWithAttestation(kind, trackToken, WireJson.object().put("provider", "APP_ATTEST")
                .put("token", statement).put("keyId", keyId).putOptional("nonce", nonce));
    }

    /**
     * docs/protocol/wire.md#32-add-a-credential add credential with a Play Integrity token (e.g. from
     * {@code PlayIntegrityAuthority}), as the Android SDK sends it: the nonce only inside the token.
     */
    public DeviceResponse addCredentialWithPlayIntegrity(CredentialKind kind, String trackToken, String token) {
        return addCredentialWithAttestation(kind, trackToken,
                WireJson.object().put("provider", "PLAY_INTEGRITY").put("token", token));
    }

    private DeviceResponse addCredentialWithAttestation(CredentialKind kind, String trackToken, WireJson attestation) {
        return post(credentialPath(kind), "Bearer " + trackToken,
                addBody(kind).putOptional("performAttestation", attestation));
    }

    /** docs/protocol/wire.md#31-get-a-credential get credential by {@code ?publicKey=}. */
    public DeviceResponse getCredential(CredentialKind kind) {
        return get(credentialPath(kind) + "?publicKey=" + publicKeyQueryValue(kind), basicAuthorization());
    }

    /** docs/protocol/wire.md#33-remove-a-credential remove credential, signing the time window of {@code now}. */
    public DeviceResponse removeCredential(CredentialKind kind, Instant now) {
        return removeCredentialSigning(kind, timeMessage(now));
    }

    /** Remove credential signing an arbitrary window (negative tests: stale or future windows). */
    public DeviceResponse removeCredential(CredentialKind kind, long window) {
        return removeCredentialSigning(kind, timeMessage(window));
    }

    /** Remove credential signing an arbitrary message (negative tests: integer form, garbage). */
    public DeviceResponse removeCredentialSigning(CredentialKind kind, String message) {
        return removeCredentialWithSignature(kind, sign(kind, message));
    }

    /** Remove credential with a given signature (negative tests: another key's signature, malformed DER). */
    public DeviceResponse removeCredentialWithSignature(CredentialKind kind, String signature) {
        WireJson body = WireJson.object()
                .put("publicKey", publicKey(kind))
                .put("signature", signature);
        return post(credentialPath(kind) + "/remove", basicAuthorization(), body);
    }

    // --- docs/protocol/wire.md#34-generic-challenge-and-attestation-nonce to docs/protocol/wire.md#38-in-app-verify: challenges --------------------------------------------------------------

    /** docs/protocol/wire.md#35-push-fetch-the-pending-challenge the pending push challenge for the push key. */
    public DeviceResponse getPushChallenge() {
        return execute(getPushChallengeRequest());
    }

    /** What {@link #getPushChallenge()} sends, built but not sent (a load generator sends it with its own client). */
    public DeviceRequest getPushChallengeRequest() {
        return request("GET", credentialPath(CredentialKind.PUSH) + "/challenge?publicKey="
                + publicKeyQueryValue(CredentialKind.PUSH), basicAuthorization(), null);
    }

    /** docs/protocol/wire.md#36-push-and-qr-answer-a-challenge approve or reject a push or QR challenge, signing the challenge id with that feature's key. */
    public DeviceResponse updateChallenge(CredentialKind kind, String challengeId, boolean approved, String verificationCode) {
        return updateChallengeWithSignature(kind, challengeId, approved, verificationCode, sign(kind, challengeId));
    }

    /** docs/protocol/wire.md#36-push-and-qr-answer-a-challenge with a given signature (negative tests). */
    public DeviceResponse updateChallengeWithSignature(CredentialKind kind, String challengeId, boolean approved,
            String verificationCode, String signature) {
        return execute(updateChallengeRequest(kind, challengeId, approved, verificationCode, signature));
    }

    /** What {@link #updateChallenge} sends, signed now, built but not sent. */
    public DeviceRequest updateChallengeRequest(CredentialKind kind, String challengeId, boolean approved, String verificationCode) {
        return updateChallengeRequest(kind, challengeId, approved, verificationCode, sign(kind, challengeId));
    }

    private DeviceRequest updateChallengeRequest(CredentialKind kind, String challengeId, boolean approved,
            String verificationCode, String signature) {
        if (kind == CredentialKind.IN_APP) {
            throw new IllegalArgumentException("In-app has no update-challenge call");
        }
        // Field order differs between the two SDK models.
        WireJson body = switch (profile) {
            case ANDROID_3_8 -> WireJson.object()
                    .put("publicKey", publicKey(kind))
                    .put("challengeId", challengeId)
                    .put("signature", signature)
                    .put("approved", approved)
                    .putNullable("verificationCode", verificationCode);
            case IOS_2_7 -> WireJson.object()
                    .put("challengeId", challengeId)
                    .put("publicKey", publicKey(kind))
                    .put("approved", approved)
                    .put("signature", signature)
                    .putNullable("verificationCode", verificationCode);
        };
        return request("POST", credentialPath(kind) + "/challenge", basicAuthorization(), profile.render(body));
    }

    /** docs/protocol/wire.md#37-qr-claim-a-challenge claim a scanned QR challenge with the QR key. */
    public DeviceResponse claimQrChallenge(String challengeId) {
        return claimQrChallengeWithSignature(challengeId, sign(CredentialKind.QR_CODE, challengeId));
    }

    public DeviceResponse claimQrChallengeWithSignature(String challengeId, String signature) {
        return execute(claimQrChallengeRequest(challengeId, signature));
    }

    /** What {@link #claimQrChallenge} sends, signed now, built but not sent. */
    public DeviceRequest claimQrChallengeRequest(String challengeId) {
        return claimQrChallengeRequest(challengeId, sign(CredentialKind.QR_CODE, challengeId));
    }

    private DeviceRequest claimQrChallengeRequest(String challengeId, String signature) {
        String publicKey = publicKey(CredentialKind.QR_CODE);
        WireJson body = switch (profile) {
            case ANDROID_3_8 -> WireJson.object()
                    .put("publicKey", publicKey).put("challengeId", challengeId).put("signature", signature);
            case IOS_2_7 -> WireJson.object()
                    .put("challengeId", challengeId).put("publicKey", publicKey).put("signature", signature);
        };
        return request("POST", credentialPath(CredentialKind.QR_CODE) + "/challenge/claim", basicAuthorization(),
                profile.render(body));
    }

    /** docs/protocol/wire.md#34-generic-challenge-and-attestation-nonce in-app challenge with Basic auth: {@code {"action": a}}, or {@code {}} when {@code action} is null. */
    public DeviceResponse createInAppChallenge(String action) {
        return execute(createInAppChallengeRequest(action));
    }

    /** What {@link #createInAppChallenge} sends, built but not sent. */
    public DeviceRequest createInAppChallengeRequest(String action) {
        return request("POST", "/client/challenge", basicAuthorization(),
                profile.render(WireJson.object().putOptional("action", action)));
    }

    /** docs/protocol/wire.md#38-in-app-verify in-app verify with Basic auth (an action was given, or no token was set). */
    public DeviceResponse verifyInApp(String challengeId) {
        return verifyInApp(challengeId, basicAuthorization(), sign(CredentialKind.IN_APP, challengeId));
    }

    /** What {@link #verifyInApp(String)} sends, signed now, built but not sent. */
    public DeviceRequest verifyInAppRequest(String challengeId) {
        return verifyInAppRequest(challengeId, basicAuthorization(), sign(CredentialKind.IN_APP, challengeId));
    }

    /** docs/protocol/wire.md#38-in-app-verify in-app verify with {@code Bearer <token>} (no action given and a token set with setToken). */
    public DeviceResponse verifyInAppWithToken(String challengeId, String token) {
        return verifyInApp(challengeId, "Bearer " + token, sign(CredentialKind.IN_APP, challengeId));
    }

    /** docs/protocol/wire.md#38-in-app-verify with an explicit Authorization value and signature (negative tests). */
    public DeviceResponse verifyInApp(String challengeId, String authorization, String signature) {
        return execute(verifyInAppRequest(challengeId, authorization, signature));
    }

    private DeviceRequest verifyInAppRequest(String challengeId, String authorization, String signature) {
        WireJson body = WireJson.object()
                .put("challengeId", challengeId)
                .put("publicKey", publicKey(CredentialKind.IN_APP))
                .put("signature", signature);
        return request("POST", "/client/verify/in-app", authorization, profile.render(body));
    }

    // --- docs/protocol/wire.md#72-additions-of-the-newer-sdks: newer SDKs' push credential update ----------------------------------------------

    /** docs/protocol/wire.md#72-additions-of-the-newer-sdks {@code POST …/push/sign?publicKey=}, no body: {@code {challengeId, message}}. */
    public DeviceResponse signPushUpdate() {
        return send("POST", credentialPath(CredentialKind.PUSH) + "/sign?publicKey="
                + publicKeyQueryValue(CredentialKind.PUSH), basicAuthorization(), null);
    }

    /**
     * docs/protocol/wire.md#72-additions-of-the-newer-sdks the whole update: fetch the message, sign it, {@code PATCH …/push}. As Android sends it,
     * {@code pushToken} is omitted when null and {@code resetExpiry} when false.
     */
    public DeviceResponse updatePushCredential(String pushToken, boolean resetExpiry) {
        DeviceResponse sign = signPushUpdate();
        if (!sign.isSuccess()) {
            return sign;
        }
        return updatePushCredentialWithSignature(sign.text("challengeId"),
                sign(CredentialKind.PUSH, sign.text("message")), pushToken, resetExpiry);
    }

    /** docs/protocol/wire.md#72-additions-of-the-newer-sdks {@code PATCH …/push} with a given challenge id and signature (negative tests). */
    public DeviceResponse updatePushCredentialWithSignature(String challengeId, String signature, String pushToken,
            boolean resetExpiry) {
        WireJson body = WireJson.object()
                .put("challengeId", challengeId)
                .put("publicKey", publicKey(CredentialKind.PUSH))
                .put("signature", signature)
                .putOptional("pushToken", pushToken)
                .putOptional("resetExpiry", resetExpiry ? Boolean.TRUE : null);
        return send("PATCH", credentialPath(CredentialKind.PUSH), basicAuthorization(), profile.render(body));
    }

    // --- transport ----------------------------------------------------------------------------

    /** A GET with this profile's headers; {@code pathAndQuery} is appended to the base URL as is. */
    public DeviceResponse get(String pathAndQuery, String authorization) {
        return send("GET", pathAndQuery, authorization, null);
    }

    /** A POST of {@code body} rendered in this profile's JSON style. */
    public DeviceResponse post(String path, String authorization, WireJson body) {
        return send("POST", path, authorization, profile.render(body));
    }

    /** A POST of raw body text with this profile's headers (malformed-body tests). */
    public DeviceResponse postRaw(String path, String authorization, String body) {
        return send("POST", path, authorization, body);
    }

    private DeviceResponse send(String method, String pathAndQuery, String authorization, String body) {
        return execute(request(method, pathAndQuery, authorization, body));
    }

    /** The request exactly as this profile sends it: its headers, the URL under the base URL. */
    private DeviceRequest request(String method, String pathAndQuery, String authorization, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        headers.putAll(profile.defaultHeaders());
        headers.putAll(extraHeaders);
        return new DeviceRequest(method, URI.create(baseUrl + pathAndQuery), headers, body);
    }

    private DeviceResponse execute(DeviceRequest sent) {
        String method = sent.method();
        String body = sent.body();
        HttpRequest.Builder request = HttpRequest.newBuilder(sent.uri()).timeout(TIMEOUT)
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        // In the order the SDKs send them (DeviceRequest's map keeps no order).
        List<String> names = new ArrayList<>(List.of("Authorization", "Content-Type"));
        names.addAll(profile.defaultHeaders().keySet());
        names.addAll(extraHeaders.keySet());
        for (String name : names) {
            String value = sent.header(name);
            if (value != null) {
                request.header(name, value);
            }
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new DeviceResponse(response.statusCode(), response.body(), parse(response.body()), sent);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + sent.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: " + method + " " + sent.uri(), e);
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String credentialPath(CredentialKind kind) {
        return "/client/user-authenticators/" + kind.wireName();
    }

    @Override
    public String toString() {
        return "SimulatedDevice[" + profile + ", tenant " + tenantId + "]";
    }
}
