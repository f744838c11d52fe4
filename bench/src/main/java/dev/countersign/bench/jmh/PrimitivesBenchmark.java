package dev.countersign.bench.jmh;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import dev.countersign.common.crypto.EcdsaP256;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.common.token.TokenIssuer;
import dev.countersign.common.token.TokenType;
import dev.countersign.common.token.TokenVerifier;
import dev.countersign.device.DeviceKey;

/**
 * The primitives every verification spends CPU on, with the services' own classes: a device
 * signature checked by {@link EcdsaP256} (BouncyCastle), the device key parsed from its SPKI, a
 * client token signed by {@link TokenIssuer} and checked by {@link TokenVerifier} (ES256, jose4j over
 * BouncyCastle), a token only parsed (no signature check, no claim rules), and for scale the
 * device's own signature ({@link DeviceKey}). One thread, so the scores are operations per second
 * per core (docs/benchmarks.md#primitives-jmh).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class PrimitivesBenchmark {

    private static final String ISSUER = "countersign-bench";

    private DeviceKey deviceKey;
    private String challengeId;
    private byte[] message;
    private byte[] spki;
    private PublicKey devicePublicKey;
    private byte[] signature;
    private TokenIssuer issuer;
    private TokenVerifier verifier;
    private TokenVerifier rememberingVerifier;
    private String token;
    private JwtConsumer parseOnly;

    @Setup
    public void setUp() throws Exception {
        deviceKey = DeviceKey.generate();
        challengeId = UUID.randomUUID().toString();
        message = challengeId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        spki = Base64.getDecoder().decode(deviceKey.spkiBase64());
        devicePublicKey = EcdsaP256.parsePublicKey(spki);
        signature = Base64.getDecoder().decode(deviceKey.sign(challengeId));
        if (!EcdsaP256.verify(devicePublicKey, message, signature)) {
            throw new IllegalStateException("The device's signature does not verify");
        }

        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", EcdsaP256.PROVIDER);
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair tokenKeys = generator.generateKeyPair();
        issuer = new TokenIssuer(ISSUER, Duration.ofMinutes(10), Optional.of(tokenKeys.getPrivate()), Clock.systemUTC());
        // Keeping no verified token: every call is a token's first use, verified in full.
        verifier = new TokenVerifier(ISSUER, List.of(tokenKeys.getPublic()), Clock.systemUTC(), 0);
        rememberingVerifier = new TokenVerifier(ISSUER, List.of(tokenKeys.getPublic()), Clock.systemUTC());
        token = issueToken();
        verifier.verify(token);
        rememberingVerifier.verify(token);
        parseOnly = new JwtConsumerBuilder().setSkipSignatureVerification().setSkipAllValidators()
                .setDisableRequireSignature().build();
    }

    private String issueToken() {
        return issuer.issue(TokenType.ACCESS, "demo", "user-1", "signIn", UUID.randomUUID().toString(), Set.of(), null).token();
    }

    /** What challenge-service does per device answer, claim or in-app verify. */
    @Benchmark
    public boolean p256VerifyDeviceSignature() {
        return EcdsaP256.verify(devicePublicKey, message, signature);
    }

    /** A device key from its SPKI DER (credential-service on enrolment, a key-replica miss). */
    @Benchmark
    public PublicKey p256ParseDeviceKey() throws EcdsaP256.InvalidPublicKeyException {
        return EcdsaP256.parsePublicKey(spki);
    }

    /** An ES256 client token: track, access and in-app tokens. */
    @Benchmark
    public String es256SignToken() {
        return issueToken();
    }

    /** An ES256 token's first use, checked in full: signature, issuer, times, claims. */
    @Benchmark
    public TokenClaims es256VerifyToken() {
        return verifier.verify(token);
    }

    /** The same token used again (a poll, a verify after its challenge): its digest and expiry only. */
    @Benchmark
    public TokenClaims verifyTokenAgain() {
        return rememberingVerifier.verify(token);
    }

    /** The token's compact form and JSON claims only, no signature check: what parsing alone costs. */
    @Benchmark
    public JwtClaims parseToken() throws Exception {
        return parseOnly.processToClaims(token);
    }

    /** The phone's side, for scale (the load generator does it per device step). */
    @Benchmark
    public String p256SignAsDevice() {
        return deviceKey.sign(challengeId);
    }
}
