package dev.countersign.credential.rest;

import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.countersign.common.json.WireTime;
import dev.countersign.credential.Credential;

/**
 * A credential in the Server API's {@code UserAuthenticator} shape (§5.5). {@code verificationMethod}
 * is PUSH or DEVICE (decisions §2); {@code credentialType} is our addition naming the feature
 * ({@code push}, {@code qr-code}, {@code in-app}), since DEVICE alone cannot tell QR from in-app.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuthenticatorResponse(
        String userId,
        String userAuthenticatorId,
        String verificationMethod,
        String credentialType,
        String createdAt,
        String verifiedAt,
        String lastVerifiedAt,
        String devicePlatform,
        String deviceName) {

    private static final Set<String> PLATFORMS = Set.of("ANDROID", "IOS", "WEB");

    static AuthenticatorResponse of(Credential credential) {
        String created = WireTime.format(credential.createdAt);
        return new AuthenticatorResponse(credential.userId, credential.id.toString(),
                credential.credentialKind().verificationMethod(), credential.kind, created, created,
                WireTime.format(credential.lastVerifiedAt), platform(credential.devicePlatform), credential.deviceName);
    }

    /** The SDKs send "android" / "ios"; the browser type knows only these three upper-case values. */
    private static String platform(String stored) {
        if (stored == null) {
            return null;
        }
        String upper = stored.strip().toUpperCase(Locale.ROOT);
        return PLATFORMS.contains(upper) ? upper : null;
    }
}
