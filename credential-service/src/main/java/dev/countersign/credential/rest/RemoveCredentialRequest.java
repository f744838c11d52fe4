package dev.countersign.credential.rest;

/** Body of {@code POST /client/user-authenticators/{feature}/remove} (docs/protocol/wire.md#33-remove-a-credential). */
public record RemoveCredentialRequest(String publicKey, String signature) {
}
