package dev.countersign.local.launcher;

import static dev.countersign.local.infra.InfrastructureSettings.setting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The tenants' attestation policies the run command passes to credential-service
 * (docs/attestation.md, docs/local-run.md#attestation): for each tenant of {@code COUNTERSIGN_TENANTS}
 * the service's own settings under {@code countersign.tenants."<id>".attestation.} ({@link #KEYS}),
 * read from the variable the service itself would read ({@code COUNTERSIGN_TENANTS__DEMO__ATTESTATION_IOS_MODE})
 * or the system property of that name; and the App Attest roots to trust instead of Apple's, from a
 * PEM file ({@code COUNTERSIGN_APP_ATTEST_ROOTS_PATH}). Everything reaches credential-service through
 * its environment, as the Play response keys are secrets.
 *
 * @param tenants per tenant id, key (e.g. {@code ios.mode}) → value; tenants without a setting are absent
 * @param appAttestRoots base64 DER certificates; empty: the service's default (Apple's root)
 */
public record TenantAttestation(Map<String, Map<String, String>> tenants, List<String> appAttestRoots) {

    /** The keys under {@code countersign.tenants."<id>".attestation.} that credential-service knows. */
    public static final List<String> KEYS = List.of(
            "ios.mode", "ios.app-id", "ios.allow-development",
            "android.mode", "android.package-name", "android.decryption-key", "android.verification-key",
            "android.max-token-age");

    /** credential-service's own setting, which takes the certificates' text rather than a file. */
    static final String ROOTS_VARIABLE = "COUNTERSIGN_CREDENTIAL_ATTESTATION_APP_ATTEST_ROOTS";

    private static final Pattern PEM_CERTIFICATE =
            Pattern.compile("-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", Pattern.DOTALL);

    /** No tenant attests anything beyond the services' defaults ({@code off}). */
    public static final TenantAttestation NONE = new TenantAttestation(Map.of(), List.of());

    public TenantAttestation {
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        tenants.forEach((id, settings) -> {
            if (!KEYS.containsAll(settings.keySet())) {
                Set<String> unknown = new TreeSet<>(settings.keySet());
                unknown.removeAll(KEYS);
                throw new IllegalArgumentException("Not an attestation setting of tenant '" + id + "': " + unknown);
            }
            if (!settings.isEmpty()) {
                copy.put(id, Map.copyOf(settings));
            }
        });
        tenants = Map.copyOf(copy);
        appAttestRoots = List.copyOf(appAttestRoots);
    }

    /** From the run command's environment and system properties, for these tenants. */
    public static TenantAttestation fromEnvironment(List<String> tenantIds) {
        return read(tenantIds, System.getenv(), System::getProperty,
                setting("COUNTERSIGN_APP_ATTEST_ROOTS_PATH", "countersign.app-attest-roots-path").map(Path::of)
                        .map(TenantAttestation::readRoots).orElse(List.of()));
    }

    /**
     * Each tenant's settings, the system property before the variable. A variable for the
     * attestation of a tenant not in {@code tenantIds}, or of no known key, is refused: the
     * service would silently ignore it, and the tenant would run without the policy meant for it.
     */
    static TenantAttestation read(List<String> tenantIds, Map<String, String> environment,
            UnaryOperator<String> properties, List<String> appAttestRoots) {
        Map<String, Map<String, String>> tenants = new LinkedHashMap<>();
        Set<String> known = new TreeSet<>();
        for (String id : tenantIds) {
            Map<String, String> settings = new LinkedHashMap<>();
            for (String key : KEYS) {
                String variable = variable(id, key);
                known.add(variable);
                String value = properties.apply(property(id, key));
                if (value == null) {
                    value = environment.get(variable);
                }
                if (value != null && !value.isBlank()) {
                    settings.put(key, value.strip());
                }
            }
            tenants.put(id, settings);
        }
        Set<String> stray = new TreeSet<>();
        for (String name : environment.keySet()) {
            if (name.startsWith("COUNTERSIGN_TENANTS__") && name.contains("__ATTESTATION_") && !known.contains(name)) {
                stray.add(name);
            }
        }
        if (!stray.isEmpty()) {
            throw new IllegalArgumentException("Attestation settings for no tenant of COUNTERSIGN_TENANTS " + tenantIds
                    + " or no setting of " + KEYS + ": " + stray);
        }
        return new TenantAttestation(tenants, appAttestRoots);
    }

    /** The certificates of a PEM file (one or more), as base64 DER. */
    static List<String> readRoots(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read COUNTERSIGN_APP_ATTEST_ROOTS_PATH " + file, e);
        }
        List<String> certificates = PEM_CERTIFICATE.matcher(text).results()
                .map(m -> m.group(1).replaceAll("\\s", "")).toList();
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("COUNTERSIGN_APP_ATTEST_ROOTS_PATH " + file + " holds no PEM certificate");
        }
        return certificates;
    }

    /** With this tenant's settings (keys of {@link #KEYS}) replacing any it had. */
    public TenantAttestation withTenant(String tenantId, Map<String, String> settings) {
        Map<String, Map<String, String>> copy = new LinkedHashMap<>(tenants);
        copy.put(tenantId, settings);
        return new TenantAttestation(copy, appAttestRoots);
    }

    /** With these App Attest roots (base64 DER) trusted instead of Apple's. */
    public TenantAttestation withAppAttestRoots(List<String> roots) {
        return new TenantAttestation(tenants, roots);
    }

    /**
     * What credential-service gets in its environment: each setting under the variable SmallRye
     * looks the tenant's key up by (the tenant, a map key, is known from its secret-hash system
     * property), and the roots, comma-separated.
     */
    Map<String, String> credentialEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        tenants.forEach((id, settings) -> settings.forEach((key, value) -> env.put(variable(id, key), value)));
        if (!appAttestRoots.isEmpty()) {
            env.put(ROOTS_VARIABLE, String.join(",", appAttestRoots));
        }
        return env;
    }

    /** {@code countersign.tenants."<id>".attestation.<key>}. */
    static String property(String tenantId, String key) {
        return "countersign.tenants.\"" + tenantId + "\".attestation." + key;
    }

    /** The property's environment-variable form: non-alphanumerics → '_', upper case. */
    static String variable(String tenantId, String key) {
        return property(tenantId, key).replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        // The Play response keys are secrets: names only.
        return "TenantAttestation[tenants=" + tenants.entrySet().stream()
                .map(e -> e.getKey() + "=" + new TreeSet<>(e.getValue().keySet())).toList()
                + ", appAttestRoots=" + appAttestRoots.size() + "]";
    }
}
