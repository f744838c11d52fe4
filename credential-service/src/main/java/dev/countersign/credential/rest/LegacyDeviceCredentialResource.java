package dev.countersign.credential.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import dev.countersign.common.auth.AuthScheme;
import dev.countersign.common.auth.RequiresAuth;
import io.smallrye.mutiny.Uni;

/**
 * The legacy {@code device} credential calls of the older SDKs (docs/protocol/wire.md#71-legacy-device-namespace: iOS 1.1–1.6, Android
 * 2.2.7–2.6, same shapes). A {@code device} key served QR-code claims and trusted-device
 * verification; it is enrolled as a {@code qr-code} credential (verificationMethod DEVICE), so
 * {@code /device?publicKey=} and {@code /qr-code?publicKey=} find the same credential, and
 * challenge-service's legacy challenge routes look the key up as {@code qr-code}. Thin on purpose:
 * every call is the modern resource's method.
 */
@Path("/v1/client/user-authenticators/device")
@Produces(MediaType.APPLICATION_JSON)
public class LegacyDeviceCredentialResource {

    /** The modern feature a legacy device credential is. */
    static final String FEATURE = "qr-code";

    private final ClientCredentialResource modern;

    public LegacyDeviceCredentialResource(ClientCredentialResource modern) {
        this.modern = modern;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresAuth(AuthScheme.BEARER)
    public Uni<CredentialResponse> add(AddCredentialRequest body, HttpHeaders headers) {
        return modern.add(FEATURE, body, headers);
    }

    @GET
    @RequiresAuth(AuthScheme.TENANT)
    public Uni<CredentialResponse> get(@QueryParam("publicKey") String publicKey) {
        return modern.get(FEATURE, publicKey);
    }

    @POST
    @Path("remove")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresAuth(AuthScheme.TENANT)
    public Uni<RemovedResponse> remove(RemoveCredentialRequest body) {
        return modern.remove(FEATURE, body);
    }
}
