package dev.countersign.challenge.inapp;

import java.util.Optional;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import dev.countersign.common.auth.AuthScheme;
import dev.countersign.common.auth.Caller;
import dev.countersign.common.auth.CurrentCaller;
import dev.countersign.common.auth.RequiresAuth;
import dev.countersign.common.error.Require;
import dev.countersign.common.http.ClientAddresses;
import dev.countersign.common.token.TokenClaims;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * The generic challenge (docs/protocol/wire.md#34-generic-challenge-and-attestation-nonce). With a Bearer track token and no action it is the attestation
 * nonce the SDK asks for before an attested add; otherwise (tenant Basic, as the SDKs send it for
 * in-app, or a track token with an action) it starts an in-app verification.
 */
// At /v1/client like the push and QR resources: classes at a longer prefix would hide their
// /v1/client/challenge/{push,qr-code} methods (JAX-RS picks the class first).
@Path("/v1/client")
@Produces(MediaType.APPLICATION_JSON)
@RequiresAuth({AuthScheme.TENANT, AuthScheme.BEARER})
public class ClientChallengeResource {

    private final InAppChallengeService inApp;
    private final CurrentCaller caller;
    private final ClientAddresses clientAddresses;

    public ClientChallengeResource(InAppChallengeService inApp, CurrentCaller caller,
            ClientAddresses clientAddresses) {
        this.inApp = inApp;
        this.caller = caller;
        this.clientAddresses = clientAddresses;
    }

    @POST
    @Path("challenge")
    public Uni<ClientChallengeResponse> create(ClientChallengeRequest body, @Context HttpServerRequest request) {
        Caller current = caller.get();
        // An empty body is the SDK's {} for "no action".
        Optional<String> action = Optional.ofNullable(body).map(ClientChallengeRequest::action);
        if (current.scheme() == AuthScheme.BEARER) {
            TokenClaims track = current.trackToken();
            if (action.isEmpty()) {
                return inApp.attestationNonce(track)
                        .map(nonce -> new ClientChallengeResponse(nonce.id(), nonce.nonce()));
            }
            Require.that(action.get().equals(track.actionCode()), "action does not match the token's action");
        }
        return inApp.create(current.tenantId(), action, clientAddresses.counted(request))
                .map(challenge -> new ClientChallengeResponse(challenge.challengeId(), null));
    }
}
