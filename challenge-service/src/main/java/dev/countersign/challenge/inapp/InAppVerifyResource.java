package dev.countersign.challenge.inapp;

import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.countersign.common.auth.AuthScheme;
import dev.countersign.common.auth.Caller;
import dev.countersign.common.auth.CurrentCaller;
import dev.countersign.common.auth.RequiresAuth;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.error.Require;
import io.smallrye.mutiny.Uni;

/**
 * In-app verify (docs/protocol/wire.md#38-in-app-verify) under tenant Basic or the app's Bearer track token, and its legacy twin
 * {@code /v1/client/verify/device} (docs/protocol/wire.md#71-legacy-device-namespace), whose {@code device} credential may be stored as either
 * device kind: the same service, only the kinds looked up differ.
 */
@Path("/v1/client") // as ClientChallengeResource: beside verify/push and verify/qr-code
@Produces(MediaType.APPLICATION_JSON)
@RequiresAuth({AuthScheme.TENANT, AuthScheme.BEARER})
public class InAppVerifyResource {

    private final InAppChallengeService inApp;
    private final CurrentCaller caller;

    public InAppVerifyResource(InAppChallengeService inApp, CurrentCaller caller) {
        this.inApp = inApp;
        this.caller = caller;
    }

    @POST
    @Path("verify/in-app")
    public Uni<InAppVerifyResponse> verifyInApp(InAppVerifyRequest body) {
        return verify(body, List.of(CredentialKind.IN_APP));
    }

    @POST
    @Path("verify/device")
    public Uni<InAppVerifyResponse> verifyDevice(InAppVerifyRequest body) {
        return verify(body, List.of(CredentialKind.IN_APP, CredentialKind.QR_CODE));
    }

    private Uni<InAppVerifyResponse> verify(InAppVerifyRequest body, List<CredentialKind> kinds) {
        Require.body(body);
        Caller current = caller.get();
        DevicePublicKey key = Require.bodyKey(body.publicKey(), "publicKey is not a P-256 public key");
        String challengeId = Require.text(body.challengeId(), "challengeId");
        String signature = Require.text(body.signature(), "signature");
        Optional<dev.countersign.common.token.TokenClaims> track = current.scheme() == AuthScheme.BEARER
                ? Optional.of(current.trackToken())
                : Optional.empty();
        return inApp.verify(current.tenantId(), track, challengeId, key, signature, kinds)
                .map(verified -> new InAppVerifyResponse(verified.token(), verified.userId(),
                        verified.userAuthenticatorId(), verified.username().orElse(null)));
    }
}
