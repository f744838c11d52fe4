package dev.countersign.credential.rest;

/** {@code POST …/push/sign}: both fields are required by the SDKs (§7.2). */
public record SigningMessageResponse(String challengeId, String message) {
}
