package dev.countersign.device;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one native SDK version puts on the wire (docs/protocol/wire.md#12-authorization-bearer-and-the-three-basic-encodings, docs/protocol/wire.md#13-request-bodies, docs/protocol/wire.md#16-the-publickey-query-parameter, docs/protocol/wire.md#17-other-headers, docs/protocol/wire.md#3-device-endpoints-mobile-sdks;
 * docs/protocol/wire.md#b3-the-native-sdks): the encodings of the tenant Basic header and the {@code ?publicKey=}
 * value, the JSON style of request bodies, the platform name and the default headers.
 */
public enum DeviceProfile {

    /** authsignal-android 3.8.0 (Ktor Android engine, kotlinx.serialization with prettyPrint). */
    ANDROID_3_8("android", "Google Pixel 8",
            "Mozilla/5.0 (Linux; Android 14; Google Pixel 8) AuthsignalAndroidSDK/3.8.0", "application/json") {
        @Override
        public String basicAuthorization(String tenantId) {
            return "Basic " + Base64.getEncoder().encodeToString((tenantId + ":").getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String publicKeyQueryValue(String spkiBase64) {
            // Inserted raw into the URL, trailing "==" included.
            return Base64.getEncoder().encodeToString(spkiBase64.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String render(WireJson body) {
            return body.toKotlinxPretty();
        }
    },

    /** authsignal-ios 2.7.0 (URLSession.shared, default JSONEncoder). */
    IOS_2_7("ios", "iPhone", "CountersignTestApp/1 CFNetwork/1494.0.7 Darwin/23.4.0", "*/*") {
        @Override
        public String basicAuthorization(String tenantId) {
            return "Basic " + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((tenantId + ":").getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String publicKeyQueryValue(String spkiBase64) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(spkiBase64.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String render(WireJson body) {
            return body.toSwiftCompact();
        }
    };

    private final String devicePlatform;
    private final String deviceName;
    private final String userAgent;
    private final String accept;

    DeviceProfile(String devicePlatform, String deviceName, String userAgent, String accept) {
        this.devicePlatform = devicePlatform;
        this.deviceName = deviceName;
        this.userAgent = userAgent;
        this.accept = accept;
    }

    /** {@code Authorization} value for the tenant-authenticated (Basic) device calls. */
    public abstract String basicAuthorization(String tenantId);

    /** The {@code ?publicKey=} value: base64 of the SPKI base64 text, in this SDK's alphabet. */
    public abstract String publicKeyQueryValue(String spkiBase64);

    /** The request body exactly as this SDK serialises it. */
    public abstract String render(WireJson body);

    /** {@code devicePlatform} in add-credential: lower-case literal. */
    public String devicePlatform() {
        return devicePlatform;
    }

    /** Android {@code MANUFACTURER + " " + MODEL}; iOS {@code UIDevice.current.name} (generic since iOS 16). */
    public String deviceName() {
        return deviceName;
    }

    public String userAgent() {
        return userAgent;
    }

    /** Headers every request of this SDK carries, besides Authorization and Content-Type. */
    public Map<String, String> defaultHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("User-Agent", userAgent);
        // Ktor's ContentNegotiation advertises its registered type; URLSession sends */*.
        headers.put("Accept", accept);
        return headers;
    }
}
