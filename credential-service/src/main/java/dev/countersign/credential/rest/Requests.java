package dev.countersign.credential.rest;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;

/** Checks shared by the endpoints: every refusal here is a 400 invalid_request. */
final class Requests {

    private Requests() {
    }

    static <T> T body(T body) {
        if (body == null) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "A JSON body is required");
        }
        return body;
    }

    /** A path segment the route's pattern already restricted to the three features. */
    static CredentialKind kind(String feature) {
        return CredentialKind.fromWireName(feature)
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "No such feature"));
    }

    static DevicePublicKey bodyKey(String publicKey) {
        if (publicKey == null || publicKey.isBlank()) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "publicKey is required");
        }
        return DevicePublicKey.fromSpkiBase64(publicKey).orElseThrow(() -> new ApiException(
                ErrorCode.INVALID_REQUEST, "publicKey must be a base64 SPKI P-256 public key"));
    }

    static DevicePublicKey queryKey(String publicKey) {
        if (publicKey == null || publicKey.isBlank()) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "publicKey is required");
        }
        return DevicePublicKey.fromQueryParameter(publicKey).orElseThrow(() -> new ApiException(
                ErrorCode.INVALID_REQUEST, "publicKey must be base64 of a base64 SPKI P-256 public key"));
    }
}
