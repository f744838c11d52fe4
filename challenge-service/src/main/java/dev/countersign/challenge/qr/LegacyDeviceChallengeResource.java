package dev.countersign.challenge.qr;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.countersign.challenge.inapp.InAppChallengeService;
import dev.countersign.challenge.inapp.InAppVerifyResource;
import dev.countersign.challenge.lifecycle.UpdateChallengeRequest;
import dev.countersign.challenge.lifecycle.UpdateChallengeResponse;
import dev.countersign.challenge.push.DevicePushChallengeResponse;
import dev.countersign.common.auth.AuthScheme;
import dev.countersign.common.auth.CurrentCaller;
import dev.countersign.common.auth.RequiresAuth;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.error.Require;
import io.smallrye.mutiny.Uni;

/**
 * The legacy {@code device} namespace's challenge calls (docs/protocol/wire.md#71-legacy-device-namespace: iOS 1.1–1.6, Android 2.2.7–2.6,
 * RN 1.2.1–1.8.1), whose {@code device} credential did what QR-code and in-app credentials do now.
 * Claim and answer are the QR-code calls, the same resource methods; the fetch (docs/protocol/wire.md#35-push-fetch-the-pending-challenge shape) finds
 * nothing pending, since no push is ever addressed to a device credential, but answers the
 * credential's id as the SDKs require. {@code /v1/client/verify/device} is in
 * {@link InAppVerifyResource}.
 */
@Path("/v1/client/user-authenticators/device/challenge")
@Produces(MediaType.APPLICATION_JSON)
@RequiresAuth(AuthScheme.TENANT)
public class LegacyDeviceChallengeResource {

    private final DeviceQrChallengeResource qr;
    private final InAppChallengeService inApp;
    private final CurrentCaller caller;

    public LegacyDeviceChallengeResource(DeviceQrChallengeResource qr, InAppChallengeService inApp,
            CurrentCaller caller) {
        this.qr = qr;
        this.inApp = inApp;
        this.caller = caller;
    }

    @GET
    public Uni<DevicePushChallengeResponse> pending(@QueryParam("publicKey") String publicKey) {
        DevicePublicKey key = Require.queryKey(publicKey, "publicKey is not a P-256 public key");
        return inApp.credential(caller.get().tenantId(), key, List.of(CredentialKind.QR_CODE, CredentialKind.IN_APP))
                .map(credential -> DevicePushChallengeResponse.none(credential.credentialId()));
    }

    @POST
    @Path("claim")
    public Uni<ClaimChallengeResponse> claim(ClaimChallengeRequest body) {
        return qr.claim(body);
    }

    @POST
    public Uni<UpdateChallengeResponse> answer(UpdateChallengeRequest body) {
        return qr.answer(body);
    }
}
