package dev.countersign.challenge.replica;

import dev.countersign.common.credential.CredentialKind;

/** An active device credential as the key replica knows it: enough to check a device's signature. */
public record ReplicaCredential(
        String credentialId,
        String tenantId,
        String userId,
        CredentialKind kind,
        String publicKey,
        long version) {
}
