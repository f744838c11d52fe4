package dev.countersign.common.wire;

import java.util.regex.Pattern;

/**
 * The one rule for identifiers and free text a client sends (docs/errors.md#input-rules). Every
 * service checks with these, so a value one service stores another can read and key on.
 */
public final class Identifiers {

    /** A user id: the tenant's own key for its user, so anything printable, but bounded. */
    public static final int USER_ID_MAX_CHARACTERS = 255;

    /** Tenant ids appear in Redis keys, token claims and headers: a conservative alphabet. */
    private static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private Identifiers() {
    }

    /** 1 to 255 characters (code points), none of them a control character. */
    public static boolean isUserId(String value) {
        return value != null && !value.isEmpty()
                && value.codePointCount(0, value.length()) <= USER_ID_MAX_CHARACTERS
                && !hasControlCharacter(value);
    }

    /** {@code [A-Za-z0-9_-]{1,64}}. */
    public static boolean isTenantId(String value) {
        return value != null && TENANT_ID.matcher(value).matches();
    }

    /**
     * C0, DEL and C1 controls: a NUL is refused by PostgreSQL, CR/LF split logs and headers, and
     * none of them belongs in a name shown to a user.
     */
    public static boolean hasControlCharacter(String value) {
        return value != null && value.chars().anyMatch(Character::isISOControl);
    }
}
