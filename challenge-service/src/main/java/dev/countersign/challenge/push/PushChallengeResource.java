package dev.countersign.challenge.push;

import java.util.Optional;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import dev.countersign.common.auth.AuthScheme;
import dev.countersign.common.auth.CurrentCaller;
import dev.countersign.common.auth.RequiresAuth;
import dev.countersign.common.error.Require;
import dev.countersign.common.http.ClientAddresses;
import dev.countersign.common.token.TokenClaims;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** The browser's side of push (docs/protocol/wire.md#41-push-from-the-browser): initiate with the track token, then poll. */
@Path("/v1/client")
@Produces(MediaType.APPLICATION_JSON)
@RequiresAuth(AuthScheme.BEARER)
public class PushChallengeResource {

    private final PushChallengeService push;
    private final CurrentCaller caller;
    private final ClientAddresses clientAddresses;

    public PushChallengeResource(PushChallengeService push, CurrentCaller caller, ClientAddresses clientAddresses) {
        this.push = push;
        this.caller = caller;
        this.clientAddresses = clientAddresses;
    }

    @POST
    @Path("challenge/push")
    public Uni<PushChallengeResponse> initiate(PushChallengeRequest body, @Context HttpServerRequest request) {
        TokenClaims token = caller.get().trackToken();
        PushChallengeRequest input = body == null ? PushChallengeRequest.EMPTY : body;
        return push.initiate(token, Optional.ofNullable(input.action()),
                        Optional.ofNullable(input.userAuthenticatorId()), clientAddresses.counted(request).orElse(null))
                .map(challenge -> new PushChallengeResponse(challenge.challengeId(),
                        challenge.targetCredentialIds().stream().map(PushChallengeResponse.DeliveryResult::new)
                                .toList()));
    }

    @POST
    @Path("verify/push")
    public Uni<VerifyPushResponse> verify(VerifyPushRequest body) {
        TokenClaims token = caller.get().trackToken();
        String challengeId = Require.text(body, VerifyPushRequest::challengeId, "challengeId");
        return push.verify(token, challengeId)
                .map(result -> new VerifyPushResponse(result.isConsumed(), result.isVerified(),
                        result.accessToken().orElse(null)));
    }
}
