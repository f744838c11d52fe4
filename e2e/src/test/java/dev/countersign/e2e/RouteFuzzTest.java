package dev.countersign.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.common.token.TokenIssuer;
import dev.countersign.common.token.TokenKeys;
import dev.countersign.common.token.TokenType;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.e2e.RawHttp.Header;
import dev.countersign.local.launcher.CountersignStack;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Throws malformed bodies, duplicate keys, wrong types, odd identifiers and odd headers at every
 * public route of the edge (the {@link #ROUTES} table: client API, device API, Server API, the kiosk
 * page and its WebSocket) and holds each answer to the error model: never a 5xx, and every 4xx a
 * JSON object with string {@code error}, {@code errorCode} and {@code errorDescription}
 * (docs/errors.md). Some tries carry valid credentials so the body gets past authentication to the
 * parsers. A failure prints its seed; put it on the property ({@code @Property(seed = "…")}) to
 * replay the same requests (docs: CONTRIBUTING.md#the-fuzz-test).
 */
class RouteFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The body limit of docs/protocol/wire.md#13-request-bodies. */
    private static final int BODY_LIMIT = 64 * 1024;

    enum Auth { TENANT, TRACK, TENANT_OR_TRACK, SECRET, NONE }

    enum Type { TEXT, FLAG, OBJECT }

    record Field(String name, Type type) {
    }

    /** One public route; {@code {placeholders}} in the target are filled with good or odd identifiers. */
    record Route(String method, String target, Auth auth, List<Field> fields) {
        @Override
        public String toString() {
            return method + " " + target;
        }
    }

    private static Field text(String name) {
        return new Field(name, Type.TEXT);
    }

    private static final List<Field> SIGNED_ANSWER = List.of(text("publicKey"), text("challengeId"), text("signature"),
            new Field("approved", Type.FLAG), text("verificationCode"));
    private static final List<Field> SIGNED_CLAIM = List.of(text("publicKey"), text("challengeId"), text("signature"));

    /** Every public route (deploy/helm/countersign/files/routes.yaml, docs/protocol/wire.md), in one place. */
    static final List<Route> ROUTES = List.of(
            // Device API: credentials (docs/protocol/wire.md#3-device-endpoints-mobile-sdks)
            new Route("GET", "/v1/client/user-authenticators/{feature}?publicKey={pk}", Auth.TENANT, List.of()),
            new Route("POST", "/v1/client/user-authenticators/{feature}", Auth.TRACK, List.of(text("publicKey"),
                    text("deviceName"), text("devicePlatform"), text("pushToken"),
                    new Field("performAttestation", Type.OBJECT))),
            new Route("POST", "/v1/client/user-authenticators/{feature}/remove", Auth.TENANT,
                    List.of(text("publicKey"), text("signature"))),
            new Route("POST", "/v1/client/user-authenticators/push/sign?publicKey={pk}", Auth.TENANT, List.of()),
            new Route("PATCH", "/v1/client/user-authenticators/push", Auth.TENANT, List.of(text("challengeId"),
                    text("publicKey"), text("signature"), text("pushToken"), new Field("resetExpiry", Type.FLAG))),
            // Device API: challenges
            new Route("GET", "/v1/client/user-authenticators/push/challenge?publicKey={pk}", Auth.TENANT, List.of()),
            new Route("POST", "/v1/client/user-authenticators/push/challenge/sign?publicKey={pk}", Auth.TENANT, List.of()),
            new Route("POST", "/v1/client/user-authenticators/push/challenge", Auth.TENANT, SIGNED_ANSWER),
            new Route("POST", "/v1/client/user-authenticators/qr-code/challenge", Auth.TENANT, SIGNED_ANSWER),
            new Route("POST", "/v1/client/user-authenticators/qr-code/challenge/claim", Auth.TENANT, SIGNED_CLAIM),
            new Route("GET", "/v1/client/user-authenticators/device/challenge?publicKey={pk}", Auth.TENANT, List.of()),
            new Route("POST", "/v1/client/user-authenticators/device/challenge", Auth.TENANT, SIGNED_ANSWER),
            new Route("POST", "/v1/client/user-authenticators/device/challenge/claim", Auth.TENANT, SIGNED_CLAIM),
            new Route("POST", "/v1/client/challenge", Auth.TENANT_OR_TRACK, List.of(text("action"))),
            new Route("POST", "/v1/client/verify/in-app", Auth.TENANT_OR_TRACK, SIGNED_CLAIM),
            new Route("POST", "/v1/client/verify/device", Auth.TENANT_OR_TRACK, SIGNED_CLAIM),
            // Browser (docs/protocol/wire.md#4-browser-side-push-qr-and-kiosk)
            new Route("POST", "/v1/client/challenge/push", Auth.TRACK, List.of(text("action"), text("userAuthenticatorId"))),
            new Route("POST", "/v1/client/verify/push", Auth.TRACK, List.of(text("challengeId"))),
            new Route("POST", "/v1/client/challenge/qr-code", Auth.TENANT_OR_TRACK,
                    List.of(text("action"), new Field("custom", Type.OBJECT))),
            new Route("POST", "/v1/client/verify/qr-code", Auth.TENANT, List.of(text("challengeId"), text("deviceCode"))),
            // Server API (docs/protocol/wire.md#5-server-api)
            new Route("POST", "/v1/users/{userId}/actions/{action}", Auth.SECRET, List.of(text("idempotencyKey"),
                    text("ipAddress"), text("userAgent"), text("deviceId"), text("scope"), text("username"),
                    new Field("custom", Type.OBJECT), new Field("verificationCode", Type.FLAG), text("redirectUrl"))),
            new Route("GET", "/v1/users/{userId}/actions/{action}/{key}", Auth.SECRET, List.of()),
            new Route("PATCH", "/v1/users/{userId}/actions/{action}/{key}", Auth.SECRET, List.of(text("state"))),
            new Route("GET", "/v1/users/{userId}/actions?fromDate={date}&codes={action}&state={state}", Auth.SECRET, List.of()),
            new Route("GET", "/v1/users/{userId}/authenticators", Auth.SECRET, List.of()),
            new Route("DELETE", "/v1/users/{userId}/authenticators/{id}", Auth.SECRET, List.of()),
            new Route("POST", "/v1/validate", Auth.SECRET, List.of(text("token"), text("action"), text("userId"))),
            // Kiosk page (docs/notifier-service.md); its WebSocket has properties of its own below
            new Route("GET", "/kiosk?tenantId={tenant}&action={action}", Auth.NONE, List.of()),
            new Route("GET", "/kiosk/qr.svg?challengeId={id}", Auth.NONE, List.of()),
            new Route("GET", "/kiosk/kiosk.js", Auth.NONE, List.of()));

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");

    private static CountersignStack stack;
    private static RawHttp http;
    private static Vertx vertx;
    private static Map<String, String> goodIdentifiers;
    private static Map<String, String> goodFields;
    private static Map<Auth, List<String>> goodCredentials;
    private static List<String> badCredentials;

    @BeforeContainer
    static void startStackAndEnrolADevice() {
        stack = SharedStack.stack();
        http = new RawHttp("127.0.0.1", stack.edgePort());
        vertx = Vertx.vertx();
        String user = "fuzz-" + UUID.randomUUID();
        ServerApi server = new ServerApi(stack.baseUrl(), stack.secretKey());
        ServerApi.Answer tracked = server.track(user, "fuzzLogin", "{\"scope\":\"add:authenticators\"}");
        String trackToken = tracked.text("token");
        SimulatedDevice device = SimulatedDevice.create(DeviceProfile.ANDROID_3_8, stack.baseUrl(), stack.tenantId());
        assertThat(device.addCredential(CredentialKind.PUSH, trackToken).status()).isEqualTo(200);
        String challengeId = UUID.randomUUID().toString();

        goodIdentifiers = Map.of("feature", "push", "pk", device.publicKeyQueryValue(CredentialKind.PUSH),
                "userId", user, "action", "fuzzLogin", "key", tracked.text("idempotencyKey"),
                "id", UUID.randomUUID().toString(), "tenant", stack.tenantId(),
                "date", "2026-01-01T00:00:00Z", "state", "CHALLENGE_REQUIRED");
        goodFields = Map.ofEntries(Map.entry("publicKey", quoted(device.publicKey(CredentialKind.PUSH))),
                Map.entry("challengeId", quoted(challengeId)),
                Map.entry("signature", quoted(device.sign(CredentialKind.PUSH, challengeId))),
                Map.entry("approved", "true"), Map.entry("resetExpiry", "false"), Map.entry("verificationCode", "null"),
                Map.entry("deviceName", quoted("Fuzz Phone")), Map.entry("devicePlatform", quoted("android")),
                Map.entry("pushToken", quoted("fuzz-push-token")),
                Map.entry("performAttestation", "{\"provider\":\"PLAY_INTEGRITY\",\"token\":\"t\"}"),
                Map.entry("action", quoted("fuzzLogin")), Map.entry("userAuthenticatorId", quoted(UUID.randomUUID().toString())),
                Map.entry("custom", "{\"till\":7}"), Map.entry("deviceCode", quoted("fuzz")),
                Map.entry("idempotencyKey", quoted(UUID.randomUUID().toString())), Map.entry("ipAddress", quoted("203.0.113.9")),
                Map.entry("userAgent", quoted("fuzz")), Map.entry("deviceId", quoted("fuzz")),
                Map.entry("scope", quoted("read:authenticators")), Map.entry("username", quoted("fuzz@example.com")),
                Map.entry("redirectUrl", quoted("https://app.example/done")), Map.entry("state", quoted("REVIEW_SUCCEEDED")),
                Map.entry("token", quoted(trackToken)), Map.entry("userId", quoted(user)));

        String tenantBasic = device.basicAuthorization();
        String browserBasic = "Basic " + base64(stack.tenantId());
        String secretBasic = "Basic " + base64(stack.secretKey() + ":");
        String trackBearer = "Bearer " + trackToken;
        goodCredentials = Map.of(Auth.TENANT, List.of(tenantBasic, browserBasic), Auth.TRACK, List.of(trackBearer),
                Auth.TENANT_OR_TRACK, List.of(tenantBasic, trackBearer), Auth.SECRET, List.of(secretBasic),
                Auth.NONE, List.of());

        TokenIssuer issuer = new TokenIssuer("countersign", Duration.ofMinutes(10),
                Optional.of(TokenKeys.privateKey(stack.tokenSigningKeyPem())), Clock.systemUTC());
        Instant past = Instant.now().minus(Duration.ofHours(1));
        String expired = issuer.sign(new TokenClaims(UUID.randomUUID().toString(), TokenType.TRACK, stack.tenantId(),
                user, "fuzzLogin", UUID.randomUUID().toString(), Set.of("add:authenticators"), past,
                past.plus(Duration.ofMinutes(10)), null)).token();
        String access = issuer.issue(TokenType.ACCESS, stack.tenantId(), user, "fuzzLogin", UUID.randomUUID().toString(),
                Set.of("add:authenticators"), null).token();
        String[] parts = trackToken.split("\\.");
        String unsigned = base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
        badCredentials = List.of("", "Basic", "Basic ", "Basic !!!!", "Basic " + base64("\u0000:"),
                "Basic " + base64("\u007f\u0001:"), "Basic " + base64("%ZZ"), "Basic " + base64("ü:"),
                "Basic " + base64("x".repeat(300) + ":"), "Basic " + base64(":"), "Basic ====",
                "Basic " + base64(stack.tenantId() + ":").replace("=", "") + "@@", "basic " + base64(stack.secretKey()),
                "Bearer", "Bearer ", "Bearer garbage", "Bearer a.b.c", "Bearer ...", "Bearer " + expired,
                "Bearer " + access, "Bearer " + unsigned, "Bearer " + parts[0] + "." + parts[1] + ".AAAA",
                "Bearer " + base64Url("{") + "." + base64Url("[") + "." + base64Url("x"),
                "Bearer " + "e".repeat(20_000), "Digest username=x", "Negotiate ü", tenantBasic, secretBasic,
                "Basic " + base64(stack.tenantId() + ":").repeat(50));
    }

    @AfterContainer
    static void stopClient() {
        if (vertx != null) {
            vertx.close();
        }
    }

    // ---- properties ----------------------------------------------------------------------------

    @Property(tries = 350, edgeCases = EdgeCasesMode.NONE)
    void malformedBodiesGetClientErrorsInTheErrorModel(@ForAll("routes") Route route, @ForAll("authorizations") Choice auth,
                                                       @ForAll("contentTypes") String contentType,
                                                       @ForAll("bodies") BodyMaker body) {
        String method = route.method().equals("GET") || route.method().equals("DELETE") ? "POST" : route.method();
        List<Header> headers = new ArrayList<>();
        auth.pick(route).ifPresent(value -> headers.add(new Header("Authorization", value)));
        if (!contentType.isEmpty()) {
            headers.add(new Header("Content-Type", contentType));
        }
        // GET-style routes get the body too: a body on a route without one must be harmless as well.
        assertInErrorModel(new Request(method, fill(route, null, null), headers, body.make(route)));
    }

    @Property(tries = 250, edgeCases = EdgeCasesMode.NONE)
    void oddIdentifiersInPathAndQueryGetClientErrorsInTheErrorModel(@ForAll("routes") Route route,
                                                                     @ForAll("oddIdentifiers") String odd,
                                                                     @ForAll("authorizations") Choice auth,
                                                                     @ForAll("placeholderIndex") int which,
                                                                     @ForAll("bodies") BodyMaker body) {
        List<String> placeholders = placeholders(route);
        String target = placeholders.isEmpty() ? route.target() + (route.target().contains("?") ? "&" : "?") + odd
                : fill(route, placeholders.get(which % placeholders.size()), odd);
        if (placeholders.isEmpty() && which % 2 == 0) {
            target = insertSegment(route.target(), odd);
        }
        List<Header> headers = new ArrayList<>();
        auth.pick(route).ifPresent(value -> headers.add(new Header("Authorization", value)));
        headers.add(new Header("Content-Type", "application/json"));
        byte[] content = route.fields().isEmpty() ? null : body.make(route);
        assertInErrorModel(new Request(route.method(), target, headers, content));
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void oddHeadersGetClientErrorsInTheErrorModel(@ForAll("routes") Route route, @ForAll("oddHeaders") List<Header> odd,
                                                  @ForAll("authorizations") Choice auth, @ForAll("methods") String method) {
        List<Header> headers = new ArrayList<>();
        auth.pick(route).ifPresent(value -> headers.add(new Header("Authorization", value)));
        headers.addAll(odd);
        String verb = method.isEmpty() ? route.method() : method;
        byte[] body = verb.equals("GET") || verb.equals("DELETE") ? null : good(route).getBytes(StandardCharsets.UTF_8);
        assertInErrorModel(new Request(verb, fill(route, null, null), headers, body));
    }

    @Property(tries = 40, edgeCases = EdgeCasesMode.NONE)
    void kioskHandshakeWithOddHeadersIsRefusedInTheErrorModel(@ForAll("handshakes") List<Header> handshake,
                                                              @ForAll("wsTargets") String target) {
        // A refused upgrade is held to the error model like any other answer; 101 passes as a success.
        check(new Request("GET", target, handshake, null), http.send("GET", target, handshake, null));
    }

    @Property(tries = 25, edgeCases = EdgeCasesMode.NONE)
    void malformedKioskMessagesCloseThePolicyWayNeverAsAServerError(@ForAll("kioskMessages") String message) throws Exception {
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost("127.0.0.1").setPort(stack.edgePort()).setURI("/ws-v1-challenge")
                .addSubProtocol("authsignal-ws").addSubProtocol("x.authsignal.tenant." + stack.tenantId());
        WebSocket socket = vertx.createWebSocketClient().connect(options)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        CompletableFuture<String> outcome = new CompletableFuture<>();
        socket.textMessageHandler(text -> {
            if (text.contains("\"ERROR\"")) {
                outcome.complete("message " + text);
            }
        });
        socket.closeHandler(ignored -> outcome.complete("close " + socket.closeStatusCode()));
        socket.writeTextMessage(message);
        String result;
        try {
            result = outcome.get(15, TimeUnit.SECONDS);
        } finally {
            socket.close();
        }
        assertThat(result).as("answer to %s", shorten(message)).matches("close 100[089]|message .*");
    }

    // ---- generators ----------------------------------------------------------------------------

    @Provide
    Arbitrary<Route> routes() {
        return Arbitraries.of(ROUTES);
    }

    @Provide
    Arbitrary<Integer> placeholderIndex() {
        return Arbitraries.integers().between(0, 7);
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just("")),
                Tuple.of(1, Arbitraries.of("GET", "POST", "PATCH", "DELETE", "PUT", "OPTIONS", "TRACE", "FOO")));
    }

    /** A credential: mostly the route's valid one (so bodies reach the parsers), otherwise a bad one. */
    record Choice(boolean valid, int index) {
        Optional<String> pick(Route route) {
            List<String> options = valid ? goodCredentials.get(route.auth()) : badCredentials;
            if (options.isEmpty() || (!valid && index % (options.size() + 1) == options.size())) {
                return Optional.empty();
            }
            String value = options.get(index % options.size());
            return value.isEmpty() ? Optional.empty() : Optional.of(value);
        }

        @Override
        public String toString() {
            return (valid ? "valid #" : "bad #") + index;
        }
    }

    @Provide
    Arbitrary<Choice> authorizations() {
        return Combinators.combine(Arbitraries.frequency(Tuple.of(7, true), Tuple.of(3, false)),
                Arbitraries.integers().between(0, 1000)).as(Choice::new);
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just("application/json")),
                Tuple.of(3, Arbitraries.of("", "text/plain", "application/json; charset=ISO-8859-1",
                        "application/json; charset=bogus", "application/x-www-form-urlencoded",
                        "multipart/form-data; boundary=x", "application/json;;;", "*/*", "application/",
                        "application/json, text/plain", "APPLICATION/JSON", "application/merge-patch+json",
                        "x".repeat(5000))));
    }

    /** A body for a route: built when the try runs, since good values name the route's fields. */
    interface BodyMaker {
        byte[] make(Route route);
    }

    private record Described(String about, java.util.function.Function<Route, String> text) implements BodyMaker {
        @Override
        public byte[] make(Route route) {
            return text.apply(route).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return about;
        }
    }

    private static BodyMaker body(String about, java.util.function.Function<Route, String> text) {
        return new Described(about, text);
    }

    private static BodyMaker raw(String about, byte[] bytes) {
        return new BodyMaker() {
            @Override
            public byte[] make(Route route) {
                return bytes;
            }

            @Override
            public String toString() {
                return about;
            }
        };
    }

    @Provide
    Arbitrary<BodyMaker> bodies() {
        Arbitrary<BodyMaker> valid = Arbitraries.just(body("valid", RouteFuzzTest::good));
        Arbitrary<BodyMaker> wrongType = Combinators.combine(Arbitraries.integers().between(0, 20), wrongValues())
                .as((index, value) -> body("field #" + index + " = " + shorten(value),
                        route -> withField(route, index, value, false)));
        Arbitrary<BodyMaker> duplicate = Combinators.combine(Arbitraries.integers().between(0, 20),
                        Arbitraries.of("same", "other", "null", "nested"))
                .as((index, how) -> body("duplicate #" + index + " (" + how + ")", route -> duplicated(route, index, how)));
        Arbitrary<BodyMaker> truncated = Arbitraries.integers().between(0, 400)
                .map(cut -> body("valid cut at " + cut, route -> {
                    String good = good(route);
                    return good.substring(0, Math.min(cut, good.length() - 1));
                }));
        Arbitrary<BodyMaker> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(300)
                .map(b -> raw("random bytes " + b.length, b));
        Arbitrary<BodyMaker> literal = Arbitraries.of(MALFORMED).map(text -> body(shorten(text), route -> text));
        Arbitrary<BodyMaker> deep = Combinators.combine(Arbitraries.of(50, 999, 1000, 1001, 5000, 20_000),
                        Arbitraries.of("[", "{\"a\":", "{\"custom\":"))
                .as((depth, open) -> body(open + " x" + depth, route -> nested(open, depth)));
        Arbitrary<BodyMaker> huge = Combinators.combine(Arbitraries.integers().between(0, 20),
                        Arbitraries.of(BODY_LIMIT - 200, BODY_LIMIT - 30, BODY_LIMIT - 1, BODY_LIMIT, BODY_LIMIT + 1,
                                BODY_LIMIT * 2))
                .as((index, size) -> body("field #" + index + " of " + size + " bytes", route -> {
                    String base = withField(route, index, "\"\"", false);
                    int pad = Math.max(0, size - base.getBytes(StandardCharsets.UTF_8).length);
                    return withField(route, index, "\"" + "a".repeat(pad) + "\"", false);
                }));
        Arbitrary<BodyMaker> unicode = Arbitraries.strings().all().ofMaxLength(40)
                .flatMap(s -> Arbitraries.integers().between(0, 20).map(index -> body("field #" + index + " = "
                        + shorten(quoted(s)), route -> withField(route, index, quoted(s), false))));
        return Arbitraries.frequencyOf(Tuple.of(2, valid), Tuple.of(6, wrongType), Tuple.of(3, duplicate),
                Tuple.of(2, truncated), Tuple.of(2, bytes), Tuple.of(4, literal), Tuple.of(2, deep), Tuple.of(2, huge),
                Tuple.of(2, unicode));
    }

    private static final List<String> MALFORMED = List.of("", " ", "{", "}", "[]", "[{}]", "\"x\"", "1", "-0", "null",
            "true", "{}x", "{}{}", "{} {}", "\uFEFF{}", "/* c */{}", "{'a':1}", "{a:1}", "{\"a\":NaN}", "{\"a\":Infinity}",
            "{\"a\":1,}", "[1,]", "{\"a\"}", "{\"a\":}", "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\u00\"}",
            "{\"a\":\"\u0000\"}", "{\"\u0000\":1}", "{\"a\":0x10}", "{\"a\":01}", "{\"a\":1e999999}",
            "{\"a\":" + "9".repeat(1001) + "}", "{\"a\":" + "9".repeat(999) + "}", "{\"a\":1." + "0".repeat(2000) + "}",
            "{\"publicKey\":" + "1".repeat(500) + "}", "\"" + "\\u0000".repeat(100) + "\"", "{\"custom\":{\"a\":[1,{}]}}",
            "{\"custom\":{\"a\":{\"b\":{}}}}", "{\"custom\":[]}", "{\"custom\":\"x\"}", "{\"custom\":{\"\":\"\"}}",
            "{\"performAttestation\":{\"provider\":\"APP_ATTEST\",\"token\":\"t\"}}",
            "{\"performAttestation\":{\"provider\":7,\"token\":[]}}", "{\"performAttestation\":[]}",
            "{\"performAttestation\":{\"provider\":\"\",\"token\":\"\",\"nonce\":{}}}",
            "{\"action\":\"" + "a".repeat(65) + "\"}", "{\"action\":\"../x\"}", "{\"state\":\"ALLOW\"}",
            "{\"state\":\"nope\"}", "{\"challengeId\":\"" + "c".repeat(5000) + "\"}", "{\"approved\":\"yes\"}");

    /** Values of the wrong JSON type (or odd values of the right one) for a known field. */
    private static Arbitrary<String> wrongValues() {
        return Arbitraries.of("12", "-1", "0.5", "1e400", "123456789012345678901234567890", "[]", "[\"a\"]", "[[]]",
                "{}", "{\"a\":\"b\"}", "null", "true", "false", "\"\"", "\" \"", "\"yes\"", "\"\\u0000\"", "\"\\u007f\"",
                "\"\\n\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"ü😀用户\"", "\"%00\"", "\"" + "x".repeat(300) + "\"",
                "\"" + "x".repeat(70_000) + "\"", "{\"provider\":{}}", "{\"a\":{\"b\":[1,2,{\"c\":null}]}}");
    }

    @Provide
    Arbitrary<String> oddIdentifiers() {
        Arbitrary<String> listed = Arbitraries.of("", "%20", "+", " ", "a b", "x".repeat(256), "x".repeat(1000),
                "x".repeat(5000), "x".repeat(70_000), "%00", "a%00b", "%7F", "%0A", "%0D%0A", "%1F", "%C2%85",
                "\u007f", "\u0001", "\t", "ü", "用户", "😀", "%C3%BC", "%F0%9F%98%80", "%FF%FE", "%C3", "%", "%Z", "%%",
                "%2F", "%2f", "a%2Fb", "%5C", "\\", "%252F", "%2E%2E", "%2e", "..", ".", "a/../b", "a/./b", "a//b",
                ";", "a;b=c", ";jsessionid=1", "%3B", "a%3Bb", "?", "#", "#frag", "&", "=", "?publicKey=",
                "publicKey=a&publicKey=b", "publicKey=%ZZ", "publicKey", "publicKey=" + "A".repeat(3000), "{}", "[]",
                "null", "%7B%7D", "\"", "%22", "'", "<script>", "%3Cscript%3E", "$(id)", "*", "..%2F", "%u0041",
                "A".repeat(255) + "ü", "x".repeat(255), "CON", "\u00a0", "%E2%80%8B", "%EF%BB%BF");
        Arbitrary<String> random = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(30).map(RouteFuzzTest::percentEncode);
        return Arbitraries.frequencyOf(Tuple.of(4, listed), Tuple.of(1, random));
    }

    @Provide
    Arbitrary<List<Header>> oddHeaders() {
        Arbitrary<Header> one = Arbitraries.oneOf(
                Arbitraries.of("application/json", "text/plain", "", "application/json; charset=utf-16", "ü")
                        .map(v -> new Header("Content-Type", v)),
                Arbitraries.of("text/html", "", "application/xml", "*/*;q=0", "application/json;q=0", "ü")
                        .map(v -> new Header("Accept", v)),
                Arbitraries.of("not-an-ip", "1.2.3.4, zzz", "::1, ::::", "", ",,,", "999.999.999.999", "x".repeat(5000),
                                "203.0.113.9%00", "[::1]:80", "unknown")
                        .map(v -> new Header("X-Forwarded-For", v)),
                Arbitraries.of("null", "https://evil.example", "x", "", "https://app.example", "http://[::1", "ü")
                        .map(v -> new Header("Origin", v)),
                Arbitraries.of("", "!!!", "AAAA", "x".repeat(10_000), "MEUCIQ==").map(v -> new Header("X-Authsignal-Signature", v)),
                Arbitraries.of("X-Authsignal-SDK", "X-Authsignal-Version", "X-Authsignal-Tenant-ID", "X-Authsignal-Native-SDK")
                        .flatMap(name -> Arbitraries.of("", "ü用户", "\u007f", "\u0001", "x".repeat(3000), "%00")
                                .map(v -> new Header(name, v))),
                Arbitraries.of("chunked", "gzip", "identity", "chunked, chunked", "")
                        .map(v -> new Header("Transfer-Encoding", v)),
                Arbitraries.of("gzip", "br", "x").map(v -> new Header("Content-Encoding", v)),
                Arbitraries.of(10_000, 100_000).map(n -> new Header("X-Huge", "h".repeat(n))),
                Arbitraries.of("Authorization", "Content-Type").map(name -> new Header(name, "Basic x")),
                Arbitraries.of("ü", "\u0000", "x y").map(v -> new Header("X-Odd" + v.strip(), "1")),
                Arbitraries.of("\u0000", "\u0001", "\u007f", "a\u0000b").map(v -> new Header("X-Control", v)),
                Arbitraries.of("x".repeat(8_000), "x".repeat(9_000)).map(v -> new Header("Authorization", "Bearer " + v)));
        return one.list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<String> wsTargets() {
        return Arbitraries.of("/ws-v1-challenge", "/ws-v1-challenge/", "/ws-v1-challenge/x", "/ws-v1-challenge?x=%00",
                "/ws-v1-challenge;a=b", "/ws-v1-challenge/%2F", "/ws-v1-challenge?" + "q".repeat(3000));
    }

    @Provide
    Arbitrary<List<Header>> handshakes() {
        Arbitrary<String> protocols = Arbitraries.of("", "authsignal-ws", "x.authsignal.tenant.",
                "authsignal-ws, x.authsignal.tenant." + "TENANT", "authsignal-ws, x.authsignal.tenant.nobody",
                "authsignal-ws, x.authsignal.tenant.ü", "authsignal-ws, x.authsignal.tenant.%00",
                "authsignal-ws, x.authsignal.tenant." + "t".repeat(300), "authsignal-ws, x.authsignal.token.garbage",
                "authsignal-ws, x.authsignal.token.a.b.c", "authsignal-ws, x.authsignal.token.", ",,,",
                "authsignal-ws, x.authsignal.tenant.TENANT, x.authsignal.token.x", "AUTHSIGNAL-WS, x.authsignal.tenant.TENANT",
                "authsignal-ws," + " x".repeat(2000));
        Arbitrary<String> keys = Arbitraries.of("dGhlIHNhbXBsZSBub25jZQ==", "", "!!!", "short");
        Arbitrary<String> versions = Arbitraries.of("13", "8", "", "x");
        Arbitrary<String> origins = Arbitraries.of("", "https://app.example", "https://evil.example", "null");
        Arbitrary<String> upgrades = Arbitraries.of("websocket", "WebSocket", "", "h2c");
        return Combinators.combine(protocols, keys, versions, origins, upgrades).as((protocol, key, version, origin, upgrade) -> {
            List<Header> headers = new ArrayList<>();
            if (!upgrade.isEmpty()) {
                headers.add(new Header("Upgrade", upgrade));
                headers.add(new Header("Connection", "Upgrade"));
            }
            if (!key.isEmpty()) {
                headers.add(new Header("Sec-WebSocket-Key", key));
            }
            if (!version.isEmpty()) {
                headers.add(new Header("Sec-WebSocket-Version", version));
            }
            if (!protocol.isEmpty()) {
                headers.add(new Header("Sec-WebSocket-Protocol", protocol.replace("TENANT", stack.tenantId())));
            }
            if (!origin.isEmpty()) {
                headers.add(new Header("Origin", origin));
            }
            return headers;
        });
    }

    @Provide
    Arbitrary<String> kioskMessages() {
        return Arbitraries.of("", "x", "{", "[]", "null", "1", "\"CREATE_CHALLENGE\"", "{}", "{\"type\":1}",
                "{\"type\":\"NOPE\"}", "{\"type\":\"CREATE_CHALLENGE\"}", "{\"type\":\"CREATE_CHALLENGE\",\"data\":[]}",
                "{\"type\":\"CREATE_CHALLENGE\",\"data\":{\"challengeType\":7}}",
                "{\"type\":\"CREATE_CHALLENGE\",\"data\":{\"challengeType\":\"QR_CODE\",\"actionCode\":{}}}",
                "{\"type\":\"CREATE_CHALLENGE\",\"data\":{\"challengeType\":\"QR_CODE\",\"actionCode\":\"" + "a".repeat(100) + "\"}}",
                "{\"type\":\"CREATE_CHALLENGE\",\"data\":{\"challengeType\":\"QR_CODE\",\"custom\":[1]}}",
                "{\"type\":\"CREATE_CHALLENGE\",\"type\":\"CREATE_CHALLENGE\",\"data\":{}}",
                "{\"type\":\"CREATE_CHALLENGE\",\"data\":{\"challengeType\":\"QR_CODE\",\"actionCode\":\"a\u0000b\"}}",
                nested("[", 5000), "{\"type\":\"" + "x".repeat(20_000) + "\"}");
    }

    // ---- requests and the property -----------------------------------------------------------

    record Request(String method, String target, List<Header> headers, byte[] body) {
        @Override
        public String toString() {
            String text = body == null ? "(no body)" : shorten(new String(body, StandardCharsets.UTF_8));
            return method + " " + shorten(target) + " " + headers + " " + text;
        }
    }

    private static void assertInErrorModel(Request request) {
        check(request, http.send(request.method(), request.target(), request.headers(), request.body()));
    }

    private static void check(Request request, RawHttp.Answer answer) {
        String what = request + "\n  -> " + answer.status() + " " + answer.headers().get("content-type") + " "
                + shorten(answer.body());
        assertThat(answer.status()).as("an answer to %s", what).isBetween(100, 499);
        if (answer.status() < 400 || request.method().equals("HEAD")) {
            return;
        }
        assertThat(answer.header("Content-Type")).as("content type of %s", what).startsWith("application/json");
        JsonNode error;
        try {
            error = JSON.readTree(answer.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + what, e);
        }
        assertThat(error).as("body of %s", what).isNotNull();
        for (String field : List.of("error", "errorCode", "errorDescription")) {
            assertThat(error.path(field).isTextual()).as("%s in %s", field, what).isTrue();
        }
        assertThat(error.path("error").asText()).as("error equals errorCode in %s", what)
                .isEqualTo(error.path("errorCode").asText());
    }

    // ---- building ------------------------------------------------------------------------------

    private static List<String> placeholders(Route route) {
        List<String> names = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(route.target());
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The route's target with good identifiers, {@code oddName} (if any) replaced by {@code odd}. */
    private static String fill(Route route, String oddName, String odd) {
        Matcher m = PLACEHOLDER.matcher(route.target());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            m.appendReplacement(out, Matcher.quoteReplacement(name.equals(oddName) ? odd : goodIdentifiers.get(name)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The odd text as an extra path segment before the query (a route without placeholders). */
    private static String insertSegment(String target, String odd) {
        int query = target.indexOf('?');
        return query < 0 ? target + "/" + odd : target.substring(0, query) + "/" + odd + target.substring(query);
    }

    private static String good(Route route) {
        return withField(route, -1, null, false);
    }

    /** The route's good body with field {@code index % fields} set to {@code value} (or repeated). */
    private static String withField(Route route, int index, String value, boolean repeat) {
        List<Field> fields = route.fields().isEmpty() ? List.of(text("publicKey")) : route.fields();
        int target = index < 0 ? -1 : index % fields.size();
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < fields.size(); i++) {
            String name = fields.get(i).name();
            String good = goodFields.getOrDefault(name, "\"x\"");
            if (i > 0) {
                out.append(',');
            }
            out.append(quoted(name)).append(':').append(i == target && !repeat ? value : good);
            if (i == target && repeat) {
                out.append(',').append(quoted(name)).append(':').append(value);
            }
        }
        return out.append('}').toString();
    }

    private static String duplicated(Route route, int index, String how) {
        List<Field> fields = route.fields().isEmpty() ? List.of(text("publicKey")) : route.fields();
        Field field = fields.get(index % fields.size());
        return switch (how) {
            case "same" -> withField(route, index, goodFields.getOrDefault(field.name(), "\"x\""), true);
            case "other" -> withField(route, index, "\"other\"", true);
            case "null" -> withField(route, index, "null", true);
            default -> withField(route, index, "{\"a\":1,\"a\":2}", false);
        };
    }

    private static String nested(String open, int depth) {
        String close = open.equals("[") ? "]" : "}";
        return open.repeat(depth) + (open.equals("[") ? "" : "1") + close.repeat(depth);
    }

    private static String percentEncode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    private static String quoted(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String base64Url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String shorten(String text) {
        String escaped = text.chars().mapToObj(c -> c < 0x20 || c == 0x7f ? String.format("\\u%04x", c) : String.valueOf((char) c))
                .reduce(new StringBuilder(), StringBuilder::append, StringBuilder::append).toString();
        return escaped.length() > 160 ? escaped.substring(0, 160) + "…(" + text.length() + " chars)" : escaped;
    }
}
