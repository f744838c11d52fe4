package dev.countersign.credential.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.countersign.common.auth.AuthScheme;
import dev.countersign.common.auth.CurrentCaller;
import dev.countersign.common.auth.RequiresAuth;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.credential.service.CredentialService;
import dev.countersign.credential.service.DeviceDetails;
import io.smallrye.mutiny.Uni;

/**
 * The Client API credential calls of the mobile SDKs (§3.1-3.3). The feature is restricted in
 * the route itself, so any other segment is a plain 404 before authentication.
 */
@Path("/v1/client/user-authenticators/{feature: push|qr-code|in-app}")
@Produces(MediaType.APPLICATION_JSON)
public class ClientCredentialResource {

    private final CredentialService service;
    private final CurrentCaller caller;

    public ClientCredentialResource(CredentialService service, CurrentCaller caller) {
        this.service = service;
        this.caller = caller;
    }

    /** Enrolment with the track token (an access token is the wrong kind: 403). */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresAuth(AuthScheme.BEARER)
    public Uni<CredentialResponse> add(@PathParam("feature") String feature, AddCredentialRequest body) {
        TokenClaims token = caller.get().trackToken();
        AddCredentialRequest request = Requests.body(body);
        DeviceDetails device = new DeviceDetails(request.deviceName(), request.devicePlatform(), request.pushToken(),
                request.performAttestation());
        return service.add(caller.get().tenantId(), token, Requests.kind(feature), Requests.bodyKey(request.publicKey()),
                        device)
                .map(enrolment -> CredentialResponse.of(enrolment.credential()));
    }

    @GET
    @RequiresAuth(AuthScheme.TENANT)
    public Uni<CredentialResponse> get(@PathParam("feature") String feature, @QueryParam("publicKey") String publicKey) {
        return service.find(caller.get().tenantId(), Requests.kind(feature), Requests.queryKey(publicKey))
                .map(CredentialResponse::of);
    }

    /** Removal by the device, proven by its signature over the current 10-minute window. */
    @POST
    @Path("remove")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresAuth(AuthScheme.TENANT)
    public Uni<RemovedResponse> remove(@PathParam("feature") String feature, RemoveCredentialRequest body) {
        RemoveCredentialRequest request = Requests.body(body);
        return service.removeSigned(caller.get().tenantId(), Requests.kind(feature), Requests.bodyKey(request.publicKey()),
                        request.signature())
                .map(removed -> new RemovedResponse(removed.id.toString()));
    }
}
