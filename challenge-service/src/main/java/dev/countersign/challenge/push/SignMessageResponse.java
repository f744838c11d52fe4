package dev.countersign.challenge.push;

/** The nonce a newer SDK signs for its push-challenge fetch (§7.2). */
public record SignMessageResponse(String message) {
}
