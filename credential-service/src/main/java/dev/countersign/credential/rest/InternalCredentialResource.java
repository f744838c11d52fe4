package dev.countersign.credential.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.error.Require;
import dev.countersign.common.json.WireTime;
import dev.countersign.common.wire.Identifiers;
import dev.countersign.credential.Credential;
import dev.countersign.credential.service.CredentialService;
import io.smallrye.mutiny.Uni;

/**
 * Read-through for challenge-service when its key replica misses, by key or by user. Internal: no
 * auth, never routed by the edge or the Ingress.
 */
@Path("/internal/v1")
@Produces(MediaType.APPLICATION_JSON)
public class InternalCredentialResource {

    private final CredentialService service;

    public InternalCredentialResource(CredentialService service) {
        this.service = service;
    }

    @GET
    @Path("credentials")
    public Uni<InternalCredential> find(@QueryParam("tenantId") String tenantId,
            @QueryParam("publicKey") String publicKey, @QueryParam("kind") String kind) {
        Require.text(tenantId, "tenantId");
        if (!Identifiers.isTenantId(tenantId)) {
            // No tenant can have this id: the answer for an unknown tenant's key.
            throw new ApiException(ErrorCode.INVALID_CREDENTIAL, "Credential not found");
        }
        CredentialKind credentialKind = Require.valid(CredentialKind.fromWireName(Require.present(kind, "kind")),
                "kind must be push, qr-code or in-app");
        DevicePublicKey key = Requests.bodyKey(publicKey);
        // An expired credential is refused like a removed one: the verifier must not accept it.
        return service.findUsable(tenantId, credentialKind, key).map(InternalCredential::of);
    }

    /**
     * {@code GET /internal/v1/user-credentials?tenantId=&userId=}: the user's usable credentials
     * (none for an unknown user or tenant), so a credential added a moment ago is found before its
     * event reaches challenge-service. Query parameters rather than a path segment: a user id may
     * hold any printable character, a slash included.
     */
    @GET
    @Path("user-credentials")
    public Uni<UserCredentials> listOfUser(@QueryParam("tenantId") String tenantId,
            @QueryParam("userId") String userId) {
        Require.text(tenantId, "tenantId");
        Require.userId(Require.present(userId, "userId"));
        if (!Identifiers.isTenantId(tenantId)) {
            return Uni.createFrom().item(new UserCredentials(java.util.List.of()));
        }
        return service.listUsableOfUser(tenantId, userId)
                .map(list -> new UserCredentials(list.stream().map(InternalCredential::of).toList()));
    }

    /** A user's credentials, oldest first. */
    public record UserCredentials(java.util.List<InternalCredential> credentials) {
    }

    /**
     * The contract's shape: what a verifier needs, with the version for ordering against events, and
     * {@code expiresAt} (absent = never) so the key replica stops accepting it in time, and for a
     * push credential {@code devicePlatform} / {@code pushToken} (absent = none), so a device known
     * to challenge-service only through this answer is still reached by APNs/FCM.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InternalCredential(String credentialId, String tenantId, String userId, String kind, String publicKey,
            long version, String expiresAt, String devicePlatform, String pushToken) {

        static InternalCredential of(Credential credential) {
            return new InternalCredential(credential.id.toString(), credential.tenantId, credential.userId,
                    credential.kind, credential.publicKey, credential.version, WireTime.format(credential.expiresAt),
                    credential.devicePlatform, credential.pushToken);
        }
    }
}
