package dev.countersign.credential.attestation;

import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwe.ContentEncryptionAlgorithmIdentifiers;
import org.jose4j.jwe.JsonWebEncryption;
import org.jose4j.jwe.KeyManagementAlgorithmIdentifiers;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.AesKey;
import org.jose4j.lang.JoseException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.common.token.Jose;

/**
 * Play Integrity tokens decrypted and verified offline with the app's response keys, the way Google
 * describes for keys managed by the developer: a JWE (A256KW, A256GCM) around an ES256 JWS whose
 * payload holds the request details and the verdicts. Stateless; the caller checks the nonce.
 */
public final class PlayIntegrityVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;

    public PlayIntegrityVerifier(Clock clock) {
        this.clock = clock;
    }

    /** What a token that decrypted, verified, names the app and is fresh says. */
    public record Verified(String nonce, String appRecognitionVerdict, List<String> deviceRecognitionVerdict,
            String appLicensingVerdict) {
    }

    public Verified verify(String token, byte[] decryptionKey, PublicKey verificationKey, String packageName,
            Duration maxAge) throws StatementRejected {
        String signed;
        try {
            JsonWebEncryption jwe = new JsonWebEncryption();
            jwe.setAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                    KeyManagementAlgorithmIdentifiers.A256KW));
            jwe.setContentEncryptionAlgorithmConstraints(new AlgorithmConstraints(
                    AlgorithmConstraints.ConstraintType.PERMIT, ContentEncryptionAlgorithmIdentifiers.AES_256_GCM));
            jwe.setCompactSerialization(token);
            jwe.setKey(new AesKey(decryptionKey));
            signed = jwe.getPayload();
        } catch (JoseException | RuntimeException e) {
            throw new StatementRejected("Play Integrity: the token cannot be decrypted with the tenant's key");
        }
        String payload;
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setProviderContext(Jose.bouncyCastle());
            jws.setAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                    AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256));
            jws.setCompactSerialization(signed);
            jws.setKey(verificationKey);
            if (!jws.verifySignature()) {
                throw new StatementRejected("Play Integrity: the signature does not verify");
            }
            payload = jws.getPayload();
        } catch (JoseException | RuntimeException e) {
            throw new StatementRejected("Play Integrity: the signature does not verify");
        }
        JsonNode root;
        try {
            root = JSON.readTree(payload);
        } catch (Exception e) {
            throw malformed();
        }
        JsonNode request = root.path("requestDetails");
        if (!request.path("requestPackageName").isTextual() || !request.path("nonce").isTextual()) {
            throw malformed();
        }
        if (!request.path("requestPackageName").asText().equals(packageName)) {
            throw new StatementRejected("Play Integrity: the token is for another package");
        }
        Instant issued;
        try {
            issued = Instant.ofEpochMilli(Long.parseLong(request.path("timestampMillis").asText()));
        } catch (NumberFormatException e) {
            throw malformed();
        }
        Instant now = clock.instant();
        if (issued.isBefore(now.minus(maxAge)) || issued.isAfter(now.plus(maxAge))) {
            throw new StatementRejected("Play Integrity: the token is not fresh");
        }
        List<String> device = new ArrayList<>();
        root.path("deviceIntegrity").path("deviceRecognitionVerdict").forEach(v -> device.add(v.asText()));
        return new Verified(request.path("nonce").asText(), text(root.path("appIntegrity").path("appRecognitionVerdict")),
                List.copyOf(device), text(root.path("accountDetails").path("appLicensingVerdict")));
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }

    private static StatementRejected malformed() {
        return new StatementRejected("Play Integrity: the payload is malformed");
    }
}
