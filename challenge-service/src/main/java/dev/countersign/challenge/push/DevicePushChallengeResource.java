package dev.countersign.challenge.push;

import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.challenge.lifecycle.Challenge;
import dev.countersign.challenge.lifecycle.UpdateChallengeRequest;
import dev.countersign.challenge.lifecycle.UpdateChallengeResponse;
import dev.countersign.challenge.push.PushChallengeService.Pending;
import dev.countersign.common.auth.AuthScheme;
import dev.countersign.common.auth.CurrentCaller;
import dev.countersign.common.auth.RequiresAuth;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.error.Require;
import io.smallrye.mutiny.Uni;

/** The device's side of push (docs/protocol/wire.md#35-push-fetch-the-pending-challenge, docs/protocol/wire.md#36-push-and-qr-answer-a-challenge, docs/protocol/wire.md#72-additions-of-the-newer-sdks): tenant Basic plus the key, and a signature to answer. */
@Path("/v1/client/user-authenticators/push/challenge")
@Produces(MediaType.APPLICATION_JSON)
@RequiresAuth(AuthScheme.TENANT)
public class DevicePushChallengeResource {

    static final String SIGNATURE_HEADER = "X-Authsignal-Signature";
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };

    private final PushChallengeService push;
    private final CurrentCaller caller;
    private final ObjectMapper json;

    public DevicePushChallengeResource(PushChallengeService push, CurrentCaller caller, ObjectMapper json) {
        this.push = push;
        this.caller = caller;
        this.json = json;
    }

    @GET
    public Uni<DevicePushChallengeResponse> pending(@QueryParam("publicKey") String publicKey,
            @HeaderParam(SIGNATURE_HEADER) String signature) {
        String tenantId = caller.get().tenantId();
        return push.pending(tenantId, queryKey(publicKey),
                        Optional.ofNullable(signature).filter(value -> !value.isBlank()))
                .map(this::response);
    }

    @POST
    @Path("sign")
    public Uni<SignMessageResponse> sign(@QueryParam("publicKey") String publicKey) {
        return push.fetchNonce(caller.get().tenantId(), queryKey(publicKey)).map(SignMessageResponse::new);
    }

    @POST
    public Uni<UpdateChallengeResponse> answer(UpdateChallengeRequest body) {
        String tenantId = caller.get().tenantId();
        Require.body(body);
        DevicePublicKey key = Require.bodyKey(body.publicKey(), "publicKey is not a P-256 public key");
        String challengeId = Require.text(body.challengeId(), "challengeId");
        String signature = Require.text(body.signature(), "signature");
        boolean approved = Require.present(body.approved(), "approved");
        return push.answer(tenantId, key, challengeId, signature, approved,
                        Optional.ofNullable(body.verificationCode()).map(String::strip).filter(code -> !code.isEmpty()))
                .map(UpdateChallengeResponse::new);
    }

    private static DevicePublicKey queryKey(String publicKey) {
        return Require.queryKey(publicKey, "publicKey is not a P-256 public key");
    }

    private DevicePushChallengeResponse response(Pending pending) {
        String credentialId = pending.credential().credentialId();
        if (pending.challenge().isEmpty()) {
            return DevicePushChallengeResponse.none(credentialId);
        }
        Challenge challenge = pending.challenge().get();
        return new DevicePushChallengeResponse(credentialId, challenge.challengeId(), challenge.userId(),
                challenge.actionCode(), challenge.idempotencyKey(), challenge.ipAddress().orElse(null),
                challenge.userAgent().orElse(null), challenge.deviceId().orElse(null),
                challenge.custom().map(this::parse).orElse(null), challenge.expiresAt().getEpochSecond(),
                challenge.codeChoices().isEmpty() ? null : challenge.codeChoices());
    }

    private Map<String, Object> parse(String custom) {
        try {
            return json.readValue(custom, JSON_OBJECT);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
