package dev.countersign.challenge.qr;

import java.util.Map;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.challenge.lifecycle.Challenge;
import dev.countersign.challenge.lifecycle.UpdateChallengeRequest;
import dev.countersign.challenge.lifecycle.UpdateChallengeResponse;
import dev.countersign.common.auth.AuthScheme;
import dev.countersign.common.auth.CurrentCaller;
import dev.countersign.common.auth.RequiresAuth;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.error.Require;
import io.smallrye.mutiny.Uni;

/** The device's side of QR (docs/protocol/wire.md#36-push-and-qr-answer-a-challenge, docs/protocol/wire.md#37-qr-claim-a-challenge): tenant Basic plus the key, each call signed over the challenge id. */
@Path("/v1/client/user-authenticators/qr-code/challenge")
@Produces(MediaType.APPLICATION_JSON)
@RequiresAuth(AuthScheme.TENANT)
public class DeviceQrChallengeResource {

    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };

    private final QrChallengeService qr;
    private final GeoLocator geo;
    private final CurrentCaller caller;
    private final ObjectMapper json;

    public DeviceQrChallengeResource(QrChallengeService qr, GeoLocator geo, CurrentCaller caller, ObjectMapper json) {
        this.qr = qr;
        this.geo = geo;
        this.caller = caller;
        this.json = json;
    }

    @POST
    @Path("claim")
    public Uni<ClaimChallengeResponse> claim(ClaimChallengeRequest body) {
        String tenantId = caller.get().tenantId();
        Require.body(body);
        DevicePublicKey key = key(body.publicKey());
        String challengeId = Require.text(body.challengeId(), "challengeId");
        String signature = Require.text(body.signature(), "signature");
        return qr.claim(tenantId, key, challengeId, signature).map(this::response);
    }

    @POST
    public Uni<UpdateChallengeResponse> answer(UpdateChallengeRequest body) {
        String tenantId = caller.get().tenantId();
        Require.body(body);
        DevicePublicKey key = key(body.publicKey());
        String challengeId = Require.text(body.challengeId(), "challengeId");
        String signature = Require.text(body.signature(), "signature");
        boolean approved = Require.present(body.approved(), "approved");
        return qr.answer(tenantId, key, challengeId, signature, approved).map(UpdateChallengeResponse::new);
    }

    private ClaimChallengeResponse response(Challenge challenge) {
        return new ClaimChallengeResponse(true, challenge.ipAddress().orElse(null), challenge.userAgent().orElse(null),
                challenge.actionCode(), challenge.idempotencyKey(), challenge.custom().map(this::parse).orElse(null),
                geo.locate(challenge.ipAddress()).orElse(null));
    }

    private static DevicePublicKey key(String publicKey) {
        return Require.bodyKey(publicKey, "publicKey is not a P-256 public key");
    }

    private Map<String, Object> parse(String custom) {
        try {
            return json.readValue(custom, JSON_OBJECT);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
