package dev.countersign.challenge.rest;

/** The nonce a newer SDK signs for its push-challenge fetch (§7.2). */
public record SignMessageResponse(String message) {
}
