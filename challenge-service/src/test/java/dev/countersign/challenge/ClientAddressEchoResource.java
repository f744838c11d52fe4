package dev.countersign.challenge;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import dev.countersign.challenge.limits.InitiationBudgets;
import dev.countersign.common.http.ClientAddresses;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * Test-only endpoints: the client address the service resolves for a request, and a stand-in
 * for push initiation that runs only the push-bombing limits (until the push endpoint exists).
 */
@Path("/test")
@Produces(MediaType.APPLICATION_JSON)
public class ClientAddressEchoResource {

    @Inject
    ClientAddresses clientAddresses;

    @Inject
    InitiationBudgets pushLimits;

    @GET
    @Path("/client-address")
    public Map<String, String> echo(@Context HttpServerRequest request) {
        return Map.of("address", clientAddresses.of(request));
    }

    @POST
    @Path("/push-initiation/{tenantId}/{userId}")
    public Uni<Map<String, String>> initiate(@PathParam("tenantId") String tenantId,
            @PathParam("userId") String userId, @Context HttpServerRequest request) {
        String address = clientAddresses.of(request);
        return pushLimits.beforeInitiation(tenantId, userId, address).replaceWith(Map.of("address", address));
    }
}
