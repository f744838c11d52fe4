package dev.countersign.challenge.action;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.challenge.action.ActionService.TrackCommand;
import dev.countersign.challenge.action.ActionService.Tracked;
import dev.countersign.challenge.delivery.DeliveryResultStore;
import dev.countersign.common.auth.AuthScheme;
import dev.countersign.common.auth.CurrentCaller;
import dev.countersign.common.auth.RequiresAuth;
import dev.countersign.common.error.Require;
import dev.countersign.common.json.WireTime;
import io.smallrye.mutiny.Uni;

/** Server API: track an action and look it up (docs/protocol/wire.md#51-track-an-action, docs/protocol/wire.md#54-get-update-and-query-actions). */
@Path("/v1/users/{userId}/actions/{action}")
@Produces(MediaType.APPLICATION_JSON)
@RequiresAuth(AuthScheme.SERVER_SECRET)
public class ActionResource {

    private final ActionService actions;
    private final CurrentCaller caller;
    private final ObjectMapper json;
    private final DeliveryResultStore deliveries;

    public ActionResource(ActionService actions, CurrentCaller caller, ObjectMapper json,
            DeliveryResultStore deliveries) {
        this.actions = actions;
        this.caller = caller;
        this.json = json;
        this.deliveries = deliveries;
    }

    @POST
    public Uni<TrackResponse> track(@PathParam("userId") String userId, @PathParam("action") String action,
            TrackRequest body) {
        // The Node SDK sends no body when no attributes are given.
        TrackRequest attributes = body == null ? TrackRequest.EMPTY : body;
        return actions.track(caller.get().tenant(), Require.userId(userId), action, command(attributes))
                .map(ActionResource::response);
    }

    @GET
    @Path("{idempotencyKey}")
    public Uni<ActionResponse> get(@PathParam("userId") String userId, @PathParam("action") String action,
            @PathParam("idempotencyKey") String idempotencyKey) {
        String tenantId = caller.get().tenantId();
        return actions.get(tenantId, Require.userId(userId), action, idempotencyKey)
                .flatMap(found -> deliveries.of(tenantId, idempotencyKey)
                        .map(results -> new ActionResponse(found.state().name(), WireTime.format(found.stateUpdatedAt()),
                        WireTime.format(found.createdAt()), found.verificationMethod().orElse(null),
                        java.util.List.of(), java.util.List.of(), results.isEmpty() ? null : results)));
    }

    /** A review decision (docs/protocol/wire.md#54-get-update-and-query-actions {@code updateAction}); see {@link ActionService#review}. */
    @PATCH
    @Path("{idempotencyKey}")
    public Uni<UpdateActionResponse> update(@PathParam("userId") String userId, @PathParam("action") String action,
            @PathParam("idempotencyKey") String idempotencyKey, UpdateActionRequest body) {
        Require.userId(userId);
        String state = Require.text(body, UpdateActionRequest::state, "state");
        ActionState target = Require.valid(ActionState.parse(state.strip()),
                "state must be REVIEW_REQUIRED, REVIEW_SUCCEEDED or REVIEW_FAILED");
        return actions.review(caller.get().tenantId(), userId, action, idempotencyKey, target)
                .map(updated -> new UpdateActionResponse(updated.state().name(),
                        WireTime.format(updated.stateUpdatedAt())));
    }

    private TrackCommand command(TrackRequest request) {
        Map<String, String> stored = new LinkedHashMap<>();
        stored.put("redirectUrl", request.redirectUrl());
        stored.put("redirectToSettings", request.redirectToSettings() == null ? null
                : request.redirectToSettings().toString());
        stored.put("ipAddress", request.ipAddress());
        stored.put("userAgent", request.userAgent());
        stored.put("deviceId", request.deviceId());
        stored.put("email", request.email());
        stored.put("phoneNumber", request.phoneNumber());
        stored.put("challengeId", request.challengeId());
        stored.put("locale", request.locale());
        stored.put("customDomain", request.customDomain());
        stored.put("custom", custom(request.custom()));
        return new TrackCommand(Optional.ofNullable(request.idempotencyKey()), Optional.ofNullable(request.scope()),
                Optional.ofNullable(request.username()), stored, Boolean.TRUE.equals(request.verificationCode()));
    }

    /** {@code custom} is a flat map of strings, numbers and booleans (docs/protocol/wire.md#51-track-an-action); kept as its JSON. */
    private String custom(Map<String, Object> custom) {
        if (Require.scalarValues(custom, "custom") == null) {
            return null;
        }
        try {
            return json.writeValueAsString(custom);
        } catch (JsonProcessingException e) {
            throw Require.invalid("custom cannot be stored");
        }
    }

    private static TrackResponse response(Tracked tracked) {
        Action action = tracked.action();
        return new TrackResponse(action.state().name(), action.idempotencyKey(), tracked.token().orElse(null),
                !tracked.enrolledVerificationMethods().isEmpty(), tracked.enrolledVerificationMethods(),
                ActionService.ALLOWED_VERIFICATION_METHODS,
                tracked.enrolledVerificationMethods().stream().findFirst().orElse(null), java.util.List.of(),
                tracked.verificationCode().orElse(null));
    }
}
