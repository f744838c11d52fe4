package dev.countersign.challenge.push;

/** The nonce a newer SDK signs for its push-challenge fetch (docs/protocol/wire.md#72-additions-of-the-newer-sdks). */
public record SignMessageResponse(String message) {
}
