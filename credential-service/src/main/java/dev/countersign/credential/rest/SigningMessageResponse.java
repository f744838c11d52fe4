package dev.countersign.credential.rest;

/** {@code POST …/push/sign}: both fields are required by the SDKs (docs/protocol/wire.md#72-additions-of-the-newer-sdks). */
public record SigningMessageResponse(String challengeId, String message) {
}
