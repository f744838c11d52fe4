package dev.countersign.credential.attestation;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;

import dev.countersign.common.crypto.Sha256;
import dev.countersign.common.wire.LenientBase64;

/**
 * Apple App Attest attestation objects, checked as Apple's "Validating apps that connect to your
 * server" lays out: the {@code x5c} chain to the App Attestation root, the nonce extension over
 * {@code authData ‖ SHA-256(nonce)}, the key id, the app (RP id hash), counter 0, the AAGUID and
 * the credential id. Stateless; the caller owns the nonce's single use.
 */
public final class AppAttestVerifier {

    static final String NONCE_EXTENSION = "1.2.840.113635.100.8.2";
    private static final byte[] PRODUCTION = "appattest\0\0\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DEVELOPMENT = "appattestdevelop".getBytes(StandardCharsets.US_ASCII);
    private static final CBORMapper CBOR = new CBORMapper();

    private final Set<TrustAnchor> roots;
    private final Clock clock;

    public AppAttestVerifier(List<X509Certificate> roots, Clock clock) {
        this.roots = roots.stream().map(root -> new TrustAnchor(root, null)).collect(Collectors.toUnmodifiableSet());
        this.clock = clock;
    }

    /**
     * What a verified attestation says: the candidate nonce it was made for, its environment and
     * Apple's receipt (base64), if any.
     */
    public record Verified(String nonce, String environment, String receipt) {
    }

    /**
     * @param token the attestation object, base64
     * @param keyId the App Attest key id, base64 (SHA-256 of the attested public key)
     * @param nonces Countersign's nonces the statement may have been made for (the SDK hashed one
     *        into the client data); the one it was made for is in the answer
     * @param appId {@code <teamId>.<bundleId>}
     */
    public Verified verify(String token, String keyId, List<String> nonces, String appId) throws StatementRejected {
        byte[] object = LenientBase64.decode(token).orElseThrow(() -> malformed());
        byte[] expectedKeyId = LenientBase64.decode(keyId == null ? "" : keyId)
                .orElseThrow(() -> new StatementRejected("App Attest: keyId is not base64"));
        JsonNode root;
        try {
            root = CBOR.readTree(object);
        } catch (IOException e) {
            throw malformed();
        }
        if (root == null || !root.isObject()) {
            throw malformed();
        }
        if (!"apple-appattest".equals(root.path("fmt").asText(null))) {
            throw new StatementRejected("App Attest: fmt is not apple-appattest");
        }
        byte[] authData = binary(root.get("authData"));
        JsonNode x5c = root.path("attStmt").path("x5c");
        if (authData == null || !x5c.isArray() || x5c.isEmpty()) {
            throw malformed();
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (JsonNode der : x5c) {
            chain.add(certificate(binary(der)));
        }

        // 1. The chain leads to the trusted root.
        validate(chain);
        X509Certificate leaf = chain.get(0);
        // 2.–4. The nonce extension is SHA-256(authData ‖ SHA-256(nonce)), for one of the candidates.
        byte[] extension = nonceExtension(leaf);
        String nonce = nonces.stream().filter(candidate -> MessageDigest.isEqual(extension,
                        expectedNonceExtension(authData, candidate)))
                .findFirst()
                .orElseThrow(() -> new StatementRejected("App Attest: the statement was not made for this nonce"));
        // 5. The key id is the hash of the attested key (its uncompressed EC point).
        byte[] point = SubjectPublicKeyInfo.getInstance(leaf.getPublicKey().getEncoded()).getPublicKeyData().getBytes();
        if (!MessageDigest.isEqual(Sha256.digest(point), expectedKeyId)) {
            throw new StatementRejected("App Attest: keyId is not the attested key");
        }
        if (authData.length < 55) {
            throw malformed();
        }
        ByteBuffer data = ByteBuffer.wrap(authData);
        byte[] rpIdHash = new byte[32];
        data.get(rpIdHash).get(); // flags: not part of Apple's checks for an attestation
        long counter = Integer.toUnsignedLong(data.getInt());
        byte[] aaguid = new byte[16];
        data.get(aaguid);
        int credentialIdLength = Short.toUnsignedInt(data.getShort());
        if (data.remaining() < credentialIdLength) {
            throw malformed();
        }
        byte[] credentialId = new byte[credentialIdLength];
        data.get(credentialId);
        // 6. The app.
        if (!MessageDigest.isEqual(rpIdHash, Sha256.digest(appId.getBytes(StandardCharsets.UTF_8)))) {
            throw new StatementRejected("App Attest: the statement is for another app");
        }
        // 7. A fresh key has signed nothing yet.
        if (counter != 0) {
            throw new StatementRejected("App Attest: the counter is not 0");
        }
        // 8. The environment.
        String environment;
        if (Arrays.equals(aaguid, PRODUCTION)) {
            environment = "production";
        } else if (Arrays.equals(aaguid, DEVELOPMENT)) {
            environment = "development";
        } else {
            throw new StatementRejected("App Attest: the AAGUID is neither appattest nor appattestdevelop");
        }
        // 9. The credential is the attested key.
        if (!MessageDigest.isEqual(credentialId, expectedKeyId)) {
            throw new StatementRejected("App Attest: the credential id is not keyId");
        }
        byte[] receipt = binary(root.path("attStmt").get("receipt"));
        return new Verified(nonce, environment, receipt == null ? null : Base64.getEncoder().encodeToString(receipt));
    }

    private static byte[] expectedNonceExtension(byte[] authData, String nonce) {
        byte[] clientDataHash = Sha256.digest(nonce.getBytes(StandardCharsets.UTF_8));
        return Sha256.digest(ByteBuffer.allocate(authData.length + clientDataHash.length)
                .put(authData).put(clientDataHash).array());
    }

    private void validate(List<X509Certificate> chain) throws StatementRejected {
        try {
            PKIXParameters parameters = new PKIXParameters(roots);
            parameters.setRevocationEnabled(false); // Apple publishes no revocation for App Attest
            parameters.setDate(Date.from(clock.instant()));
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), parameters);
        } catch (GeneralSecurityException e) {
            throw new StatementRejected("App Attest: the certificate chain does not lead to a trusted root");
        }
    }

    private static byte[] nonceExtension(X509Certificate leaf) throws StatementRejected {
        byte[] value = leaf.getExtensionValue(NONCE_EXTENSION);
        if (value == null) {
            throw new StatementRejected("App Attest: the credential certificate has no nonce");
        }
        try {
            ASN1Sequence sequence = ASN1Sequence.getInstance(ASN1OctetString.getInstance(value).getOctets());
            ASN1TaggedObject tagged = ASN1TaggedObject.getInstance(sequence.getObjectAt(0));
            return ASN1OctetString.getInstance(tagged.getExplicitBaseObject()).getOctets();
        } catch (RuntimeException e) {
            throw new StatementRejected("App Attest: the credential certificate's nonce is malformed");
        }
    }

    private static X509Certificate certificate(byte[] der) throws StatementRejected {
        if (der == null) {
            throw malformed();
        }
        try (InputStream in = new ByteArrayInputStream(der)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (GeneralSecurityException | IOException e) {
            throw malformed();
        }
    }

    private static byte[] binary(JsonNode node) {
        if (node == null || !node.isBinary()) {
            return null;
        }
        try {
            return node.binaryValue();
        } catch (IOException e) {
            return null;
        }
    }

    private static StatementRejected malformed() {
        return new StatementRejected("App Attest: the attestation object is malformed");
    }

    /** Certificates from PEM text or bare base64 DER (one per entry). */
    public static X509Certificate parseCertificate(String text) {
        String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try (InputStream in = new ByteArrayInputStream(Base64.getDecoder().decode(base64))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Not a certificate: " + e.getMessage(), e);
        }
    }
}
