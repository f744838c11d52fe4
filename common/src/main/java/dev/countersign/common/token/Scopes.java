package dev.countersign.common.token;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/** The scopes a track token can carry (docs/protocol/wire.md#51-track-an-action): a space-separated list, {@code read:authenticators} by default. */
public final class Scopes {

    public static final String READ_AUTHENTICATORS = "read:authenticators";
    public static final String ADD_AUTHENTICATORS = "add:authenticators";
    public static final String UPDATE_AUTHENTICATORS = "update:authenticators";
    public static final String REMOVE_AUTHENTICATORS = "remove:authenticators";

    private static final Set<String> KNOWN = Set.of(READ_AUTHENTICATORS, ADD_AUTHENTICATORS,
            UPDATE_AUTHENTICATORS, REMOVE_AUTHENTICATORS);

    private Scopes() {
    }

    /** The known scopes named in {@code scope}; unknown names are dropped, none means the default. */
    public static Set<String> parse(String scope) {
        Set<String> scopes = new LinkedHashSet<>();
        if (scope != null) {
            Arrays.stream(scope.trim().split("\\s+")).filter(KNOWN::contains).forEach(scopes::add);
        }
        if (scopes.isEmpty()) {
            scopes.add(READ_AUTHENTICATORS);
        }
        return Set.copyOf(scopes);
    }
}
