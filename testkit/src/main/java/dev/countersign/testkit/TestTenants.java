package dev.countersign.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.countersign.common.crypto.Sha256;

/**
 * The tenants every service test runs with. Test-only secrets: their hashes go into the services'
 * configuration, the secrets themselves into the Server API calls of the tests.
 */
public final class TestTenants {

    public static final String TENANT_ID = "test-tenant";
    public static final String SECRET_KEY = "sk_test_countersign_0123456789abcdef";
    public static final String OTHER_TENANT_ID = "other-tenant";
    /** countersign.internal.secret of every service under test (RealInfrastructure sets it). */
    public static final String INTERNAL_SECRET = "test-internal-secret-not-for-production-use";
    public static final String OTHER_SECRET_KEY = "sk_test_other_fedcba9876543210";

    private TestTenants() {
    }

    /** {@code Authorization} for the Server API, as {@code @authsignal/node} sends it. */
    public static String serverAuthorization(String secretKey) {
        return "Basic " + Base64.getEncoder().encodeToString((secretKey + ":").getBytes(StandardCharsets.UTF_8));
    }

    /** The configuration that declares both tenants. */
    public static Map<String, String> configuration() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("countersign.tenants.\"" + TENANT_ID + "\".secret-sha256", sha256Hex(SECRET_KEY));
        config.put("countersign.tenants.\"" + OTHER_TENANT_ID + "\".secret-sha256", sha256Hex(OTHER_SECRET_KEY));
        return config;
    }

    static String sha256Hex(String text) {
        return Sha256.hex(text);
    }
}
