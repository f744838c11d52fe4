package dev.countersign.credential.rest;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.error.Require;

/** The path feature and the device key, as the credential endpoints read them (see {@link Require}). */
final class Requests {

    private Requests() {
    }

    /** A path segment the route's pattern already restricted to the three features. */
    static CredentialKind kind(String feature) {
        return CredentialKind.fromWireName(feature)
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "No such feature"));
    }

    static DevicePublicKey bodyKey(String publicKey) {
        return Require.bodyKey(publicKey, "publicKey must be a base64 SPKI P-256 public key");
    }

    static DevicePublicKey queryKey(String publicKey) {
        return Require.queryKey(publicKey, "publicKey must be base64 of a base64 SPKI P-256 public key");
    }
}
