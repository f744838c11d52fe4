package dev.countersign.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.eatthepath.pushy.apns.auth.ApnsVerificationKey;
import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.MockApnsServerListener;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.server.ValidatingPushNotificationHandlerFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * The push providers of the end-to-end run: Pushy's own MockApnsServer (TLS with a certificate made
 * here, checking the provider token's ES256 signature against the p8 key made here, the topic and
 * the device token) and a local FCM HTTP v1 server (an OAuth token endpoint that checks the
 * service account's RS256 assertion, and {@code messages:send}). The notifier is pointed at them
 * through the launcher's push-channel settings ({@link #environment()}).
 */
final class PushProviders implements ExtensionContext.Store.CloseableResource, AutoCloseable {

    static final String TEAM_ID = "E2ETEAM123";
    static final String KEY_ID = "E2EKEY4567";
    static final String TOPIC = "dev.countersign.e2e";
    static final String PROJECT = "countersign-e2e";
    static final String ACCESS_TOKEN = "ya29.e2e-access";
    private static final ObjectMapper JSON = new ObjectMapper();

    record ApnsReceived(String path, String topic, String pushType, String collapseId, JsonNode payload,
            String rejection) {
    }

    record FcmReceived(String path, String authorization, JsonNode body) {
    }

    private final MockApnsServer apns;
    private final int apnsPort;
    private final HttpServer fcm;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<String> iosTokens = new ArrayList<>();
    private final AtomicInteger nextIosToken = new AtomicInteger();
    private final String unregisteredIosToken;
    private final List<ApnsReceived> apnsReceived = new CopyOnWriteArrayList<>();
    private final List<FcmReceived> fcmReceived = new CopyOnWriteArrayList<>();
    private final AtomicInteger tokenExchanges = new AtomicInteger();

    private PushProviders() throws Exception {
        for (int i = 0; i < 16; i++) {
            iosTokens.add(HexFormat.of().formatHex(random(32)));
        }
        unregisteredIosToken = HexFormat.of().formatHex(random(32));
        KeyPair tls = keys("EC", new ECGenParameterSpec("secp256r1"));
        X509Certificate certificate = selfSigned(tls);
        KeyPair signing = keys("EC", new ECGenParameterSpec("secp256r1"));
        ApnsVerificationKey verification = new ApnsVerificationKey(KEY_ID, TEAM_ID, (ECPublicKey) signing.getPublic());
        apns = new MockApnsServerBuilder()
                .setServerCredentials(new X509Certificate[] {certificate}, tls.getPrivate(), null)
                .setHandlerFactory(new ValidatingPushNotificationHandlerFactory(
                        Map.of(TOPIC, Set.copyOf(iosTokens)),
                        Map.of(unregisteredIosToken, Instant.now().minus(Duration.ofHours(1))),
                        Map.of(KEY_ID, verification), Map.of(verification, Set.of(TOPIC))))
                .setListener(new MockApnsServerListener() {
                    @Override
                    public void handlePushNotificationAccepted(Http2Headers headers, ByteBuf payload) {
                        apnsReceived.add(received(headers, payload, null));
                    }

                    @Override
                    public void handlePushNotificationRejected(Http2Headers headers, ByteBuf payload,
                            RejectionReason reason, Instant expiration) {
                        apnsReceived.add(received(headers, payload, reason.name()));
                    }
                })
                .build();
        apnsPort = apns.start(0).get();
        Path trusted = Files.createTempFile("countersign-e2e-apns-ca", ".pem");
        trusted.toFile().deleteOnExit();
        Files.writeString(trusted, pem("CERTIFICATE", certificate.getEncoded()));

        KeyPair account = keys("RSA", null);
        fcm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fcm.createContext("/token", exchange -> token(exchange, account));
        fcm.createContext("/v1/", this::message);
        fcm.start();
        String fcmBase = "http://127.0.0.1:" + fcm.getAddress().getPort();

        environment.put("COUNTERSIGN_NOTIFIER_APNS_SIGNING_KEY", pem("PRIVATE KEY", signing.getPrivate().getEncoded()));
        environment.put("COUNTERSIGN_NOTIFIER_APNS_TEAM_ID", TEAM_ID);
        environment.put("COUNTERSIGN_NOTIFIER_APNS_KEY_ID", KEY_ID);
        environment.put("COUNTERSIGN_NOTIFIER_APNS_TOPIC", TOPIC);
        environment.put("COUNTERSIGN_NOTIFIER_APNS_HOST", "localhost");
        environment.put("COUNTERSIGN_NOTIFIER_APNS_PORT", Integer.toString(apnsPort));
        environment.put("COUNTERSIGN_NOTIFIER_APNS_TRUSTED_CERTIFICATES_PATH", trusted.toString());
        environment.put("COUNTERSIGN_NOTIFIER_FCM_SERVICE_ACCOUNT", JSON.writeValueAsString(Map.of(
                "type", "service_account", "project_id", "not-" + PROJECT,
                "client_email", "notifier@" + PROJECT + ".iam.gserviceaccount.com", "private_key_id", "e2e-1",
                "private_key", pem("PRIVATE KEY", account.getPrivate().getEncoded()),
                "token_uri", "https://oauth2.invalid/token")));
        // Explicit settings win over the account's own project and token URI.
        environment.put("COUNTERSIGN_NOTIFIER_FCM_PROJECT_ID", PROJECT);
        environment.put("COUNTERSIGN_NOTIFIER_FCM_TOKEN_URI", fcmBase + "/token");
        environment.put("COUNTERSIGN_NOTIFIER_FCM_BASE_URL", fcmBase);
        environment.put("COUNTERSIGN_NOTIFIER_PUSH_TITLE", "Sign-in request");
        environment.put("COUNTERSIGN_NOTIFIER_PUSH_BODY", "Approve or reject on this phone");
    }

    static PushProviders start() {
        try {
            return new PushProviders();
        } catch (Exception e) {
            throw new IllegalStateException("Push providers did not start", e);
        }
    }

    Map<String, String> environment() {
        return Map.copyOf(environment);
    }

    /** A device token the mock APNs knows for {@link #TOPIC}, a fresh one per call. */
    String registeredIosToken() {
        return iosTokens.get(nextIosToken.getAndIncrement());
    }

    /** A token the mock APNs answers 410 Unregistered for. */
    String unregisteredIosToken() {
        return unregisteredIosToken;
    }

    List<ApnsReceived> apnsFor(String challengeId) {
        return apnsReceived.stream().filter(r -> challengeId.equals(r.payload().path("challengeId").asText())).toList();
    }

    List<FcmReceived> fcmFor(String challengeId) {
        return fcmReceived.stream()
                .filter(r -> challengeId.equals(r.body().path("message").path("data").path("challengeId").asText()))
                .toList();
    }

    private static ApnsReceived received(Http2Headers headers, ByteBuf payload, String rejection) {
        JsonNode body;
        try {
            body = JSON.readTree(payload == null ? "{}" : payload.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            body = JSON.createObjectNode();
        }
        return new ApnsReceived(str(headers.path()), str(headers.get("apns-topic")), str(headers.get("apns-push-type")),
                str(headers.get("apns-collapse-id")), body, rejection);
    }

    private static String str(CharSequence value) {
        return value == null ? null : value.toString();
    }

    /** OAuth: answers an access token only for an assertion signed with the service account's key. */
    private void token(HttpExchange exchange, KeyPair account) throws IOException {
        String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String assertion = "";
        for (String pair : form.split("&")) {
            if (pair.startsWith("assertion=")) {
                assertion = URLDecoder.decode(pair.substring("assertion=".length()), StandardCharsets.UTF_8);
            }
        }
        boolean valid = false;
        String[] parts = assertion.split("\\.");
        if (parts.length == 3 && form.contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer")) {
            try {
                Signature rs256 = Signature.getInstance("SHA256withRSA");
                rs256.initVerify(account.getPublic());
                rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
                JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
                valid = rs256.verify(Base64.getUrlDecoder().decode(parts[2]))
                        && claims.path("scope").asText().equals("https://www.googleapis.com/auth/firebase.messaging")
                        && claims.path("aud").asText().endsWith("/token");
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                valid = false;
            }
        }
        tokenExchanges.incrementAndGet();
        answer(exchange, valid ? 200 : 400, valid
                ? "{\"access_token\":\"" + ACCESS_TOKEN + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}"
                : "{\"error\":\"invalid_grant\"}");
    }

    private void message(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        fcmReceived.add(new FcmReceived(exchange.getRequestURI().getPath(), authorization, body));
        if (!("Bearer " + ACCESS_TOKEN).equals(authorization)) {
            answer(exchange, 401, "{\"error\":{\"code\":401,\"status\":\"UNAUTHENTICATED\"}}");
        } else if (body.path("message").path("token").asText().startsWith("dead-")) {
            answer(exchange, 404, "{\"error\":{\"code\":404,\"status\":\"NOT_FOUND\",\"details\":[{\"@type\":"
                    + "\"type.googleapis.com/google.firebase.fcm.v1.FcmError\",\"errorCode\":\"UNREGISTERED\"}]}}");
        } else {
            answer(exchange, 200, "{\"name\":\"projects/" + PROJECT + "/messages/e2e\"}");
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new java.security.SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static KeyPair keys(String algorithm, ECGenParameterSpec curve) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if (curve != null) {
            generator.initialize(curve);
        } else {
            generator.initialize(2048);
        }
        return generator.generateKeyPair();
    }

    private static X509Certificate selfSigned(KeyPair keys) throws Exception {
        X500Name name = new X500Name("CN=localhost");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), name,
                keys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    @Override
    public void close() {
        fcm.stop(0);
        try {
            apns.shutdown().get();
        } catch (Exception e) {
            // Shutting down at the end of the run; nothing to do about it.
        }
    }
}
