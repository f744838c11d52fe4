package dev.countersign.credential.rest;

import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.countersign.common.auth.AuthScheme;
import dev.countersign.common.auth.CurrentCaller;
import dev.countersign.common.auth.RequiresAuth;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.error.Require;
import dev.countersign.credential.service.CredentialService;
import io.smallrye.mutiny.Uni;

/** Server API authenticator calls (docs/protocol/wire.md#55-authenticators-and-users), scoped to the tenant whose secret authorised them. */
@Path("/v1/users/{userId}/authenticators")
@Produces(MediaType.APPLICATION_JSON)
@RequiresAuth(AuthScheme.SERVER_SECRET)
public class ServerAuthenticatorResource {

    private final CredentialService service;
    private final CurrentCaller caller;

    public ServerAuthenticatorResource(CredentialService service, CurrentCaller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    public Uni<List<AuthenticatorResponse>> list(@PathParam("userId") String userId) {
        return service.listOfUser(caller.get().tenantId(), Require.userId(userId))
                .map(credentials -> credentials.stream().map(AuthenticatorResponse::of).toList());
    }

    /** Another user's or tenant's id, a removed one and a malformed one all answer 404 not_found. */
    @DELETE
    @Path("{userAuthenticatorId}")
    public Uni<RemovedResponse> remove(@PathParam("userId") String userId,
            @PathParam("userAuthenticatorId") String userAuthenticatorId) {
        return service.removeOfUser(caller.get().tenantId(), Require.userId(userId), uuid(userAuthenticatorId))
                .map(removed -> new RemovedResponse(removed.id.toString()));
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.NOT_FOUND, "No such authenticator");
        }
    }
}
