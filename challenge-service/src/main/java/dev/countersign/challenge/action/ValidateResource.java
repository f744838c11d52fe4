package dev.countersign.challenge.action;

import java.util.Optional;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.countersign.challenge.action.ActionService.Validation;
import dev.countersign.challenge.metrics.ChallengeMetrics;
import dev.countersign.common.auth.AuthScheme;
import dev.countersign.common.auth.CurrentCaller;
import dev.countersign.common.auth.RequiresAuth;
import dev.countersign.common.error.Require;
import dev.countersign.common.json.WireTime;
import io.smallrye.mutiny.Uni;

/** Server API: validate a challenge's token (docs/protocol/wire.md#53-validate, docs/protocol/decisions.md#4-validate). */
@Path("/v1/validate")
@Produces(MediaType.APPLICATION_JSON)
@RequiresAuth(AuthScheme.SERVER_SECRET)
public class ValidateResource {

    private final ActionService actions;
    private final CurrentCaller caller;
    private final ChallengeMetrics metrics;

    public ValidateResource(ActionService actions, CurrentCaller caller, ChallengeMetrics metrics) {
        this.metrics = metrics;
        this.actions = actions;
        this.caller = caller;
    }

    @POST
    public Uni<ValidateResponse> validate(ValidateRequest body) {
        String token = Require.text(body, ValidateRequest::token, "token");
        return actions.validate(caller.get().tenant(), token.strip(), Optional.ofNullable(body.action()),
                Optional.ofNullable(body.userId()).map(Require::userId))
                .invoke(validation -> metrics.tokenValidated(
                        validation.valid() ? "valid" : validation.error().orElse("invalid")))
                .map(ValidateResource::response);
    }

    private static ValidateResponse response(Validation validation) {
        if (validation.action().isEmpty()) {
            return new ValidateResponse(false, null, null, null, null, null, null, validation.error().orElse(null));
        }
        Action action = validation.action().get();
        return new ValidateResponse(validation.valid(), action.state().name(),
                WireTime.format(action.stateUpdatedAt()), action.userId(),
                // An in-app verification's action not bound to a code yet has none to show.
                action.actionCode().isEmpty() ? null : action.actionCode(),
                action.idempotencyKey(), action.verificationMethod().orElse(null), null);
    }
}
