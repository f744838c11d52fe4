package dev.countersign.challenge.qr;

import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.common.auth.AuthScheme;
import dev.countersign.common.auth.Caller;
import dev.countersign.common.auth.CurrentCaller;
import dev.countersign.common.auth.RequiresAuth;
import dev.countersign.common.error.Require;
import dev.countersign.common.http.ClientAddress;
import dev.countersign.common.http.ClientAddresses;
import dev.countersign.common.json.WireTime;
import dev.countersign.common.token.TokenClaims;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * The kiosk's side of QR in polling mode (docs/protocol/wire.md#43-qr-by-polling), also what the notifier calls for a kiosk socket:
 * create (tenant Basic for an anonymous challenge, or the track token of the action it is for),
 * then poll with the device code (always tenant Basic).
 */
@Path("/v1/client")
@Produces(MediaType.APPLICATION_JSON)
public class QrChallengeResource {

    private final QrChallengeService qr;
    private final CurrentCaller caller;
    private final ClientAddresses clientAddresses;
    private final ObjectMapper json;

    public QrChallengeResource(QrChallengeService qr, CurrentCaller caller, ClientAddresses clientAddresses,
            ObjectMapper json) {
        this.qr = qr;
        this.caller = caller;
        this.clientAddresses = clientAddresses;
        this.json = json;
    }

    @POST
    @Path("challenge/qr-code")
    @RequiresAuth({AuthScheme.TENANT, AuthScheme.BEARER})
    public Uni<QrChallengeResponse> create(QrChallengeRequest body, @Context HttpServerRequest request,
            @Context HttpHeaders headers) {
        Caller who = caller.get();
        // A Bearer token must be a track token (an access token is 403, as for push).
        Optional<TokenClaims> token = who.scheme() == AuthScheme.BEARER ? Optional.of(who.trackToken())
                : Optional.empty();
        QrChallengeRequest input = body == null ? QrChallengeRequest.EMPTY : body;
        ClientAddress.Client client = clientAddresses.client(request);
        return qr.create(who.tenantId(), token, Optional.ofNullable(input.action()), custom(input.custom()),
                        Optional.ofNullable(client.address()), clientAddresses.counted(client),
                        Optional.ofNullable(headers.getHeaderString(HttpHeaders.USER_AGENT)))
                .map(created -> new QrChallengeResponse(created.challenge().challengeId(), created.deviceCode(),
                        WireTime.format(created.challenge().expiresAt())));
    }

    @POST
    @Path("verify/qr-code")
    @RequiresAuth(AuthScheme.TENANT)
    public Uni<VerifyQrResponse> verify(VerifyQrRequest body) {
        String challengeId = Require.text(body, VerifyQrRequest::challengeId, "challengeId");
        String deviceCode = Require.text(body.deviceCode(), "deviceCode");
        return qr.verify(caller.get().tenantId(), challengeId, deviceCode)
                .map(result -> new VerifyQrResponse(result.isClaimed(), result.isConsumed(), result.isVerified(),
                        result.accessToken().orElse(null)));
    }

    /** {@code custom} is a flat map of strings, numbers and booleans, as at track (docs/protocol/wire.md#51-track-an-action); kept as its JSON. */
    private Optional<String> custom(Map<String, Object> custom) {
        if (Require.scalarValues(custom, "custom") == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.writeValueAsString(custom));
        } catch (JsonProcessingException e) {
            throw Require.invalid("custom cannot be stored");
        }
    }
}
