package dev.countersign.credential;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The {@code X-Authsignal-*} headers of the newer SDKs (docs/protocol/wire.md#17-other-headers, docs/protocol/wire.md#72-additions-of-the-newer-sdks), as of enrolment or the
 * last signed update: which SDK and version, and the wrapper's (React Native, Flutter) native SDK.
 * Informational only; {@code tenantId} is what the app claims and is never used for authorisation.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceMetadata(String sdk, String version, String tenantId, String nativeSdk, String nativeVersion) {

    /** Longer header values are cut: this is a label, not a place to store arbitrary client data. */
    static final int MAX_LENGTH = 200;

    /** The metadata of these header values, or null when the request carried none (older SDKs). */
    public static DeviceMetadata of(String sdk, String version, String tenantId, String nativeSdk,
            String nativeVersion) {
        DeviceMetadata metadata = new DeviceMetadata(clean(sdk), clean(version), clean(tenantId), clean(nativeSdk),
                clean(nativeVersion));
        return metadata.equals(new DeviceMetadata(null, null, null, null, null)) ? null : metadata;
    }

    private static String clean(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String stripped = value.strip();
        return stripped.length() > MAX_LENGTH ? stripped.substring(0, MAX_LENGTH) : stripped;
    }
}
