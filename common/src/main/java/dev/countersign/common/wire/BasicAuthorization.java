package dev.countersign.common.wire;

import java.net.URLDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The user part of an {@code Authorization: Basic …} header, as every client encodes it (docs/protocol/wire.md#12-authorization-bearer-and-the-three-basic-encodings):
 * Android {@code base64("id:")} padded, iOS base64url {@code "id:"} unpadded, the browser
 * {@code base64(encodeURIComponent(id))} without a colon, and the Server API SDKs
 * {@code base64("secret:")}. Decoded, percent-decoded, cut at the first colon.
 */
public final class BasicAuthorization {

    private static final String PREFIX = "basic ";

    private BasicAuthorization() {
    }

    /** The user part, or empty when the header is absent, not Basic, or not decodable. */
    public static Optional<String> userPart(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.length() <= PREFIX.length()
                || !authorizationHeader.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return Optional.empty();
        }
        return LenientBase64.decode(authorizationHeader.substring(PREFIX.length()))
                .flatMap(BasicAuthorization::utf8)
                .flatMap(BasicAuthorization::percentDecoded)
                .map(text -> {
                    int colon = text.indexOf(':');
                    return colon >= 0 ? text.substring(0, colon) : text;
                })
                .filter(user -> !user.isEmpty());
    }

    public static boolean isBasic(String authorizationHeader) {
        return authorizationHeader != null && authorizationHeader.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    private static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> percentDecoded(String text) {
        if (text.indexOf('%') < 0) {
            return Optional.of(text);
        }
        try {
            // URLDecoder would also turn '+' into a space; encodeURIComponent never emits a bare '+'
            // for a space, so keep '+' literal.
            return Optional.of(URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
