package dev.countersign.credential.rest;

import java.util.Set;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import dev.countersign.common.auth.AuthScheme;
import dev.countersign.common.auth.CurrentCaller;
import dev.countersign.common.auth.RequiresAuth;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.audit.AuthFailure;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.error.Require;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.credential.DeviceMetadata;
import dev.countersign.credential.service.CredentialService;
import dev.countersign.credential.service.DeviceDetails;
import dev.countersign.credential.service.DeviceDetails.AttestationClaim;
import dev.countersign.credential.service.PushUpdate;
import io.smallrye.mutiny.Uni;

/**
 * The Client API credential calls of the mobile SDKs (docs/protocol/wire.md#31-get-a-credential to docs/protocol/wire.md#33-remove-a-credential, docs/protocol/wire.md#72-additions-of-the-newer-sdks). The feature is restricted
 * in the route itself, so any other segment is a plain 404 before authentication. The legacy
 * {@code device} namespace ({@link LegacyDeviceCredentialResource}) calls these same methods.
 */
@Path("/v1/client/user-authenticators/{feature: push|qr-code|in-app}")
@Produces(MediaType.APPLICATION_JSON)
public class ClientCredentialResource {

    private static final Set<String> ATTESTATION_PROVIDERS = Set.of("PLAY_INTEGRITY", "APP_ATTEST");

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
    public Uni<CredentialResponse> add(@PathParam("feature") String feature, AddCredentialRequest body,
            HttpHeaders headers) {
        TokenClaims token = caller.get().trackToken();
        AddCredentialRequest request = Require.body(body);
        DeviceDetails device = new DeviceDetails(Require.printable(request.deviceName(), "deviceName"),
                Require.printable(request.devicePlatform(), "devicePlatform"),
                Require.printable(request.pushToken(), "pushToken"), attestation(request.performAttestation()),
                metadata(headers));
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
        RemoveCredentialRequest request = Require.body(body);
        return service.removeSigned(caller.get().tenantId(), Requests.kind(feature), Requests.bodyKey(request.publicKey()),
                        request.signature())
                .map(removed -> new RemovedResponse(removed.id.toString()));
    }

    /** {@code POST …/push/sign?publicKey=} (docs/protocol/wire.md#72-additions-of-the-newer-sdks): the message to sign for the update; push only. */
    @POST
    @Path("sign")
    @RequiresAuth(AuthScheme.TENANT)
    public Uni<SigningMessageResponse> sign(@PathParam("feature") String feature,
            @QueryParam("publicKey") String publicKey) {
        pushOnly(feature);
        return service.issueSigningMessage(caller.get().tenantId(), Requests.queryKey(publicKey))
                .map(challenge -> new SigningMessageResponse(challenge.id.toString(), challenge.message));
    }

    /** {@code PATCH …/push} (docs/protocol/wire.md#72-additions-of-the-newer-sdks): push token and expiry renewal, signed over the sign message. */
    @PATCH
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresAuth(AuthScheme.TENANT)
    public Uni<UpdatedPushCredentialResponse> update(@PathParam("feature") String feature,
            UpdatePushCredentialRequest body, HttpHeaders headers) {
        pushOnly(feature);
        UpdatePushCredentialRequest request = Require.body(body);
        String signature = Require.text(request.signature(), "signature");
        PushUpdate update = new PushUpdate(challengeId(request.challengeId()), Requests.bodyKey(request.publicKey()),
                signature, blankToNull(Require.printable(request.pushToken(), "pushToken")), Boolean.TRUE.equals(request.resetExpiry()),
                metadata(headers));
        return service.updatePush(caller.get().tenantId(), update).map(UpdatedPushCredentialResponse::of);
    }

    private static void pushOnly(String feature) {
        if (Requests.kind(feature) != CredentialKind.PUSH) {
            throw new ApiException(ErrorCode.NOT_FOUND, "Only push credentials are updated this way");
        }
    }

    private static UUID challengeId(String value) {
        Require.text(value, "challengeId");
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            // Not one we issued: the same answer as an unknown one.
            throw ApiException.authentication(ErrorCode.UNAUTHORIZED, AuthFailure.UNKNOWN_SIGNING_CHALLENGE,
                    "Unknown or already used signing challenge");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** The shape of {@code performAttestation}; its nonce is checked by the service. */
    private static AttestationClaim attestation(AttestationInput input) {
        if (input == null) {
            return null;
        }
        Require.that(input.provider() != null && ATTESTATION_PROVIDERS.contains(input.provider()),
                "performAttestation.provider must be PLAY_INTEGRITY or APP_ATTEST");
        Require.text(input.token(), "performAttestation.token");
        Require.that(!"APP_ATTEST".equals(input.provider()) || blankToNull(input.keyId()) != null,
                "performAttestation.keyId is required for APP_ATTEST");
        return new AttestationClaim(input.provider(), input.token(), blankToNull(input.keyId()),
                blankToNull(input.nonce()));
    }

    /** The newer SDKs' {@code X-Authsignal-*} headers (docs/protocol/wire.md#17-other-headers); null for older SDKs that send none. */
    private static DeviceMetadata metadata(HttpHeaders headers) {
        return DeviceMetadata.of(header(headers, "X-Authsignal-SDK"), header(headers, "X-Authsignal-Version"),
                header(headers, "X-Authsignal-Tenant-ID"), header(headers, "X-Authsignal-Native-SDK"),
                header(headers, "X-Authsignal-Native-Version"));
    }

    private static String header(HttpHeaders headers, String name) {
        return Require.printable(headers.getHeaderString(name), name);
    }
}
