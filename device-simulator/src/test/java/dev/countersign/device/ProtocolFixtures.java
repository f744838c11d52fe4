package dev.countersign.device;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The protocol's golden data, copied from the shared protocol notes: the ECDSA P-256 test vector
 * (generated with Node crypto) and the exact wire examples of Appendix A.
 */
public final class ProtocolFixtures {

    public static final String ECDSA_VECTOR = "/dev/countersign/device/ecdsa-p256-vector.json";
    public static final String WIRE_EXAMPLES = "/dev/countersign/device/authsignal-wire-examples.json";

    private ProtocolFixtures() {
    }

    /** Fields: privateKeyPkcs8B64, publicKeySpkiB64, challengeId, signatureOverChallengeId, timeMessage, … */
    public static JsonNode ecdsaVector() {
        return load(ECDSA_VECTOR);
    }

    /** Fields: tenantId, basicAuthorization.{android,ios,browser}, publicKeyQuery.{android,ios}, timeMessage.*, … */
    public static JsonNode wireExamples() {
        return load(WIRE_EXAMPLES);
    }

    private static JsonNode load(String resource) {
        try (InputStream in = ProtocolFixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + resource);
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
