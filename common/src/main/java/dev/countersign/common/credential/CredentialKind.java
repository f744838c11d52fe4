package dev.countersign.common.credential;

import java.util.Optional;

/**
 * The three device credential features (docs/protocol/wire.md#3-device-endpoints-mobile-sdks), each with its own key on the device. The path
 * segment is the wire name; the verification method is what the Server API reports (docs/protocol/decisions.md#2-track-state).
 */
public enum CredentialKind {
    PUSH("push", "PUSH"),
    QR_CODE("qr-code", "DEVICE"),
    IN_APP("in-app", "DEVICE");

    private final String wireName;
    private final String verificationMethod;

    CredentialKind(String wireName, String verificationMethod) {
        this.wireName = wireName;
        this.verificationMethod = verificationMethod;
    }

    public String wireName() {
        return wireName;
    }

    public String verificationMethod() {
        return verificationMethod;
    }

    public static Optional<CredentialKind> fromWireName(String name) {
        for (CredentialKind kind : values()) {
            if (kind.wireName.equals(name)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
