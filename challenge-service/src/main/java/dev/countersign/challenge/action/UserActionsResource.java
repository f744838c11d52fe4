package dev.countersign.challenge.action;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.countersign.common.auth.AuthScheme;
import dev.countersign.common.auth.CurrentCaller;
import dev.countersign.common.auth.RequiresAuth;
import dev.countersign.common.error.Require;
import dev.countersign.common.json.WireTime;
import io.smallrye.mutiny.Uni;

/**
 * Server API: query a user's actions (docs/protocol/wire.md#54-get-update-and-query-actions, {@code queryUserActions} of @authsignal/node). The
 * answer is a JSON array, as the Node SDK's type says — the one Server API success that is not an
 * object (the device SDKs never call it).
 */
@Path("/v1/users/{userId}/actions")
@Produces(MediaType.APPLICATION_JSON)
@RequiresAuth(AuthScheme.SERVER_SECRET)
public class UserActionsResource {

    private final ActionService actions;
    private final CurrentCaller caller;

    public UserActionsResource(ActionService actions, CurrentCaller caller) {
        this.actions = actions;
        this.caller = caller;
    }

    @GET
    public Uni<List<UserActionResponse>> list(@PathParam("userId") String userId,
            @QueryParam("fromDate") String fromDate, @QueryParam("codes") String codes,
            @QueryParam("state") String state) {
        Require.userId(userId);
        Optional<Instant> from = Optional.ofNullable(fromDate).filter(value -> !value.isBlank()).map(value -> {
            try {
                return Instant.parse(value.strip());
            } catch (DateTimeParseException e) {
                throw Require.invalid("fromDate must be an ISO-8601 UTC time");
            }
        });
        List<String> codeList = codes == null ? List.of()
                : Arrays.stream(codes.split(",")).map(String::strip).filter(code -> !code.isEmpty()).toList();
        Optional<ActionState> wanted = Optional.ofNullable(state).filter(value -> !value.isBlank())
                .map(value -> Require.valid(ActionState.parse(value.strip()),
                        "state must be one of " + Arrays.toString(ActionState.values())));
        return actions.list(caller.get().tenantId(), userId, from, codeList, wanted)
                .map(found -> found.stream().map(action -> new UserActionResponse(
                        action.actionCode().isEmpty() ? null : action.actionCode(), action.idempotencyKey(),
                        WireTime.format(action.createdAt()), WireTime.format(action.stateUpdatedAt()),
                        action.state().name(), WireTime.format(action.stateUpdatedAt()),
                        action.verificationMethod().orElse(null), action.verifiedByAuthenticatorId().orElse(null)))
                        .toList());
    }
}
