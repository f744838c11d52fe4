package dev.countersign.common.error;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.wire.Identifiers;

/**
 * Checks of request input at the edge. Every refusal is 400 {@code invalid_request} whose
 * description names the field, in the same words in every service ("publicKey is required").
 */
public final class Require {

    private Require() {
    }

    /** The refusal itself, for a check that does not fit the methods below. */
    public static ApiException invalid(String description) {
        return new ApiException(ErrorCode.INVALID_REQUEST, description);
    }

    /** Refuses with {@code description} unless {@code condition} holds. */
    public static void that(boolean condition, String description) {
        if (!condition) {
            throw invalid(description);
        }
    }

    /** The request body; a missing one (no JSON, or {@code null}) is refused. */
    public static <T> T body(T body) {
        if (body == null) {
            throw invalid("A JSON body is required");
        }
        return body;
    }

    /** A text field that must hold more than white space; answered unchanged (not stripped). */
    public static String text(String value, String field) {
        if (value == null || value.isBlank()) {
            throw invalid(field + " is required");
        }
        return value;
    }

    /** A text field of a body that may itself be missing: a missing body is refused as the missing field. */
    public static <B> String text(B body, Function<B, String> value, String field) {
        return text(body == null ? null : value.apply(body), field);
    }

    /** A user id from a path or body, by {@link Identifiers#isUserId}. */
    public static String userId(String value) {
        that(Identifiers.isUserId(value), "userId must be 1 to " + Identifiers.USER_ID_MAX_CHARACTERS
                + " characters without control characters");
        return value;
    }

    /** Optional free text (a device name, an SDK header): absent is fine, a control character is not. */
    public static String printable(String value, String field) {
        that(!Identifiers.hasControlCharacter(value), field + " must not contain control characters");
        return value;
    }

    /** A field that must be present (any value, e.g. {@code approved: false}). */
    public static <T> T present(T value, String field) {
        if (value == null) {
            throw invalid(field + " is required");
        }
        return value;
    }

    /** The value a parser made of a field, or the refusal {@code description} when it made none. */
    public static <T> T valid(Optional<T> parsed, String description) {
        return parsed.orElseThrow(() -> invalid(description));
    }

    /**
     * A flat JSON object: every value a string, number, boolean or null, never an array or object
     * ({@code custom} at track and QR challenge creation).
     */
    public static <M extends Map<String, ?>> M scalarValues(M object, String field) {
        if (object == null) {
            return null;
        }
        for (Map.Entry<String, ?> entry : object.entrySet()) {
            Object value = entry.getValue();
            if (value != null && !(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                throw invalid(field + "." + entry.getKey() + " must be a string, number or boolean");
            }
        }
        return object;
    }

    /** The device key of a body field (base64 SPKI); {@code description} when it is no P-256 key. */
    public static DevicePublicKey bodyKey(String publicKey, String description) {
        return valid(DevicePublicKey.fromSpkiBase64(text(publicKey, "publicKey")), description);
    }

    /** The device key of the {@code ?publicKey=} query parameter (base64 of base64 SPKI). */
    public static DevicePublicKey queryKey(String publicKey, String description) {
        return valid(DevicePublicKey.fromQueryParameter(text(publicKey, "publicKey")), description);
    }
}
