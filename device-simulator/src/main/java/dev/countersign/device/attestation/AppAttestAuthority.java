package dev.countersign.device.attestation;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;

import dev.countersign.common.crypto.EcdsaP256;
import dev.countersign.common.crypto.Sha256;

/**
 * Apple's part of App Attest, played by a test root CA: attestation objects laid out exactly as
 * Apple's ({@code fmt} {@code apple-appattest}, {@code x5c} leaf and intermediate, the nonce
 * extension, authenticator data) but chaining to a root of ours. {@link #test()} is the fixed test
 * root a server under test is configured to trust; {@link #generate()} makes an unrelated one.
 * Test-only: the root's private key is published right here.
 */
public final class AppAttestAuthority {

    /** The nonce extension of the credential certificate. */
    public static final String NONCE_EXTENSION = "1.2.840.113635.100.8.2";
    /** AAGUIDs of the two App Attest environments. */
    public static final byte[] PRODUCTION = "appattest\0\0\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] DEVELOPMENT = "appattestdevelop".getBytes(StandardCharsets.US_ASCII);

    /** The fixed test root's certificate (DER, base64): what a server trusts in tests. */
    public static final String TEST_ROOT_CERTIFICATE = "MIICQTCCAcigAwIBAgIURdoVMZBDbvekEUPbHYXEt2KVae4wCgYIKoZIzj0EAwMwTzExMC8GA1UEAwwoQ291bnRlcnNpZ24gVGVzdCBBcHAgQXR0ZXN0YXRpb24gUm9vdCBDQTEaMBgGA1UECgwRQ291bnRlcnNpZ24gdGVzdHMwIBcNMjYxMjA2MTUzMDIyWhgPMjA1MTA3MjgxNTMwMjJaME8xMTAvBgNVBAMMKENvdW50ZXJzaWduIFRlc3QgQXBwIEF0dGVzdGF0aW9uIFJvb3QgQ0ExGjAYBgNVBAoMEUNvdW50ZXJzaWduIHRlc3RzMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE2MatbhqbvaTqkhbaBOQFpFRtcOIcJlkaerxt9rcKcE8rrmLKpSiJi0JVZWU+sBpRp3/wYU2TITDqMM+Eowqp99EGygo5goQCQN+/vDwAghVpG8QCmKJ+wmk1lhb890P2o2MwYTAdBgNVHQ4EFgQU4oig5Yct0FGD+4VusXJvxBCo6UUwHwYDVR0jBBgwFoAU4oig5Yct0FGD+4VusXJvxBCo6UUwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwCgYIKoZIzj0EAwMDZwAwZAIwcV1i8gHpDbauGs5PyDV7QzBKdvwrtTRqGWVt1liMltD4HxFhHn7+MrkY3TlwyYlnAjAy2twJzJfXfnbWg4bet088BlULjIOKbCtPcdoyZltBr3PzzLQXh+n7iLUJMTk/lYs=";
    private static final String TEST_ROOT_KEY = "MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDBuwK8ypJtZWjd/FZtMc81mjtEFHAQqPisXwIXOAnHz5R50iMgTAxDedTZEYFu+8YKhZANiAATYxq1uGpu9pOqSFtoE5AWkVG1w4hwmWRp6vG32twpwTyuuYsqlKImLQlVlZT6wGlGnf/BhTZMhMOowz4SjCqn30QbKCjmChAJA37+8PACCFWkbxAKYon7CaTWWFvz3Q/Y=";

    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());
    private static final CBORMapper CBOR = new CBORMapper();

    private final X509Certificate root;
    private final PrivateKey rootKey;

    private AppAttestAuthority(X509Certificate root, PrivateKey rootKey) {
        this.root = root;
        this.rootKey = rootKey;
    }

    /** The fixed test root ({@link #TEST_ROOT_CERTIFICATE}). */
    public static AppAttestAuthority test() {
        try {
            return new AppAttestAuthority(certificate(Base64.getDecoder().decode(TEST_ROOT_CERTIFICATE)),
                    Keys.pkcs8(TEST_ROOT_KEY));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh root nobody trusts: for "chains to another root". */
    public static AppAttestAuthority generate() {
        KeyPair pair = Keys.generate("secp384r1");
        X500Name name = new X500Name("CN=Another App Attestation Root CA");
        X509Certificate root = issue(name, pair.getPublic(), name, pair.getPrivate(), "SHA384withECDSA", true, Map.of());
        return new AppAttestAuthority(root, pair.getPrivate());
    }

    /** The root's certificate, DER base64. */
    public String rootCertificate() {
        try {
            return Base64.getEncoder().encodeToString(root.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An attestation of a fresh App Attest key for the app {@code <teamId>.<bundleId>}, over the
     * nonce as the iOS SDK hashes it into the client data (SHA-256 of its UTF-8 bytes).
     */
    public Attestation attest(String appId, String nonce) {
        return attestation(appId, nonce).build();
    }

    /** An attestation to adjust before {@link Attestation.Builder#build()}; the checks' failure cases. */
    public Attestation.Builder attestation(String appId, String nonce) {
        return new Attestation.Builder(this, appId, nonce);
    }

    /** A statement and its key id, as the iOS SDK sends them in {@code performAttestation}. */
    public record Attestation(String token, String keyId) {

        /** {@code performAttestation} for enrolment, with Countersign's {@code nonce}. */
        public Map<String, Object> performAttestation(String nonce) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("provider", "APP_ATTEST");
            body.put("token", token);
            body.put("keyId", keyId);
            if (nonce != null) {
                body.put("nonce", nonce);
            }
            return body;
        }

        public static final class Builder {

            private final AppAttestAuthority authority;
            private String appId;
            private final String nonce;
            private String fmt = "apple-appattest";
            private long counter;
            private byte[] aaguid = PRODUCTION;
            private byte[] credentialId;
            private boolean tamperSignature;

            Builder(AppAttestAuthority authority, String appId, String nonce) {
                this.authority = authority;
                this.appId = appId;
                this.nonce = nonce;
            }

            public Builder fmt(String value) {
                fmt = value;
                return this;
            }

            public Builder counter(long value) {
                counter = value;
                return this;
            }

            public Builder development() {
                aaguid = DEVELOPMENT;
                return this;
            }

            public Builder aaguid(byte[] value) {
                aaguid = value.clone();
                return this;
            }

            /** The credential id in the authenticator data; the key id unless set. */
            public Builder credentialId(byte[] value) {
                credentialId = value.clone();
                return this;
            }

            /** Flips a bit of the credential certificate's signature. */
            public Builder tamperSignature() {
                tamperSignature = true;
                return this;
            }

            public Attestation build() {
                return authority.make(this);
            }
        }
    }

    private Attestation make(Attestation.Builder b) {
        try {
            KeyPair key = Keys.generate("secp256r1");
            byte[] point = SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded()).getPublicKeyData().getBytes();
            byte[] keyId = Sha256.digest(point);
            byte[] credentialId = b.credentialId != null ? b.credentialId : keyId;
            ByteBuffer auth = ByteBuffer.allocate(32 + 1 + 4 + 16 + 2 + credentialId.length);
            auth.put(Sha256.digest(b.appId.getBytes(StandardCharsets.UTF_8))).put((byte) 0x40).putInt((int) b.counter)
                    .put(b.aaguid).putShort((short) credentialId.length).put(credentialId);
            byte[] authData = auth.array();
            byte[] clientDataHash = Sha256.digest(b.nonce.getBytes(StandardCharsets.UTF_8));
            byte[] nonce = Sha256.digest(concat(authData, clientDataHash));

            KeyPair intermediateKey = Keys.generate("secp384r1");
            X500Name intermediateName = new X500Name("CN=Test App Attestation CA 1,O=Countersign tests");
            X509Certificate intermediate = issue(intermediateName, intermediateKey.getPublic(),
                    X500Name.getInstance(root.getSubjectX500Principal().getEncoded()), rootKey, "SHA384withECDSA",
                    true, Map.of());
            byte[] extension = new DERSequence(new DERTaggedObject(true, 1, new DEROctetString(nonce))).getEncoded();
            X509Certificate leaf = issue(new X500Name("CN=" + hex(keyId)), key.getPublic(), intermediateName,
                    intermediateKey.getPrivate(), "SHA256withECDSA", false,
                    Map.of(new ASN1ObjectIdentifier(NONCE_EXTENSION), extension));
            byte[] leafDer = leaf.getEncoded();
            if (b.tamperSignature) {
                leafDer[leafDer.length - 5] ^= 0x01;
            }

            Map<String, Object> statement = new LinkedHashMap<>();
            statement.put("x5c", List.of(leafDer, intermediate.getEncoded()));
            statement.put("receipt", "test-receipt".getBytes(StandardCharsets.US_ASCII));
            Map<String, Object> object = new LinkedHashMap<>();
            object.put("fmt", b.fmt);
            object.put("attStmt", statement);
            object.put("authData", authData);
            return new Attestation(Base64.getEncoder().encodeToString(CBOR.writeValueAsBytes(object)),
                    Base64.getEncoder().encodeToString(keyId));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate issue(X500Name subject, PublicKey subjectKey, X500Name issuer, PrivateKey issuerKey,
            String algorithm, boolean ca, Map<ASN1ObjectIdentifier, byte[]> extensions) {
        try {
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(3650))), subject, subjectKey);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            for (Map.Entry<ASN1ObjectIdentifier, byte[]> e : extensions.entrySet()) {
                builder.addExtension(e.getKey(), false, e.getValue());
            }
            ContentSigner signer = new JcaContentSignerBuilder(algorithm).setProvider(EcdsaP256.PROVIDER).build(issuerKey);
            return new JcaX509CertificateConverter().setProvider(EcdsaP256.PROVIDER).getCertificate(builder.build(signer));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate certificate(byte[] der) throws GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(der));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
