package dev.countersign.common.wire;

import java.util.Base64;
import java.util.Optional;

/**
 * Base64 as the clients send it: standard or URL-safe alphabet, with or without {@code =}
 * padding (docs/protocol/wire.md#12-authorization-bearer-and-the-three-basic-encodings, docs/protocol/wire.md#16-the-publickey-query-parameter). A {@code +} that a proxy turned into a space is read back as {@code +}.
 */
public final class LenientBase64 {

    private LenientBase64() {
    }

    /** The decoded bytes, or empty when the text is not base64 in either alphabet. */
    public static Optional<byte[]> decode(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip().replace(' ', '+').replace('-', '+').replace('_', '/');
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '=') {
            end--;
        }
        if (s.length() - end > 2 || end == 0) {
            return Optional.empty();
        }
        try {
            // The unpadded decoder refuses padding, so give it the bare characters; it still
            // rejects a length that no byte string encodes to (remainder 1).
            return Optional.of(Base64.getDecoder().decode(padded(s.substring(0, end))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String padded(String bare) {
        return switch (bare.length() % 4) {
            case 2 -> bare + "==";
            case 3 -> bare + "=";
            default -> bare;
        };
    }
}
