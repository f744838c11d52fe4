package dev.countersign.credential.rest;

/** Body of {@code POST /client/user-authenticators/{feature}/remove} (§3.3). */
public record RemoveCredentialRequest(String publicKey, String signature) {
}
