package dev.countersign.challenge.action;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.countersign.challenge.action.ActionStore.Completion;
import dev.countersign.challenge.config.ChallengeConfig;
import dev.countersign.challenge.replica.KeyReplica;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.error.Require;
import dev.countersign.common.tenant.Tenant;
import dev.countersign.common.tenant.Tenants;
import dev.countersign.common.token.Scopes;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.common.token.TokenIssuer;
import dev.countersign.common.token.TokenType;
import dev.countersign.common.token.TokenVerifier;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;

/**
 * Tracked actions: track (docs/protocol/wire.md#51-track-an-action), get (docs/protocol/wire.md#54-get-update-and-query-actions), validate (docs/protocol/wire.md#53-validate) and the one transition a challenge
 * makes when it is answered (docs/protocol/decisions.md#2-track-state to docs/protocol/decisions.md#4-validate).
 */
@ApplicationScoped
public class ActionService {

    /** The action code rule of the docs (docs/protocol/wire.md#51-track-an-action). */
    public static final Pattern ACTION_CODE = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    /** Idempotency keys are the client's (usually a UUID); bounded so a key name stays small. */
    static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;
    /** The verification methods device credentials offer (docs/protocol/decisions.md#2-track-state). */
    public static final List<String> ALLOWED_VERIFICATION_METHODS = List.of("PUSH", "DEVICE");
    /** The action attribute holding the number-matching code (docs/protocol/decisions.md#12-number-matching). */
    public static final String VERIFICATION_CODE = "verificationCode";

    private final ActionStore actions;
    private final KeyReplica replica;
    private final TokenIssuer issuer;
    private final TokenVerifier verifier;
    private final Clock clock;
    private final Duration actionTtl;

    public ActionService(ActionStore actions, KeyReplica replica, TokenIssuer issuer, TokenVerifier verifier,
            Clock clock, ChallengeConfig config) {
        this.actions = actions;
        this.replica = replica;
        this.issuer = issuer;
        this.verifier = verifier;
        this.clock = clock;
        this.actionTtl = config.actionTtl();
    }

    /** A misconfigured action state should stop the service at start, not surprise a user later. */
    void checkActionStates(@Observes StartupEvent start, Tenants tenants) {
        requireValidActionStates(tenants.all());
    }

    static void requireValidActionStates(Collection<Tenant> tenants) {
        for (Tenant tenant : tenants) {
            tenant.actionStates().forEach((code, state) -> {
                if (!ACTION_CODE.matcher(code).matches()
                        || ActionState.parse(state).filter(ActionState::isTrackOutcome).isEmpty()) {
                    throw new IllegalStateException("countersign.tenants.\"" + tenant.id() + "\".action-states."
                            + code + ": must be an action code set to ALLOW, CHALLENGE_REQUIRED or BLOCK");
                }
            });
        }
    }

    /**
     * Tracks an action, or answers the action already tracked under the same idempotency key (its
     * state and stored attributes, with a fresh token). A key taken by another user or action is
     * refused: answering that action would hand out a token for it.
     */
    public Uni<Tracked> track(Tenant tenant, String userId, String actionCode, TrackCommand command) {
        requireActionCode(actionCode);
        String idempotencyKey = command.idempotencyKey().orElseGet(() -> UUID.randomUUID().toString());
        Require.that(!idempotencyKey.isBlank() && idempotencyKey.length() <= MAX_IDEMPOTENCY_KEY_LENGTH,
                "idempotencyKey must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " characters");
        ActionState state = Optional.ofNullable(tenant.actionStates().get(actionCode))
                .flatMap(ActionState::parse)
                .orElse(ActionState.CHALLENGE_REQUIRED);
        Instant now = Instant.ofEpochMilli(clock.millis());
        Action action = new Action(tenant.id(), idempotencyKey, userId, actionCode, state, now, now,
                Optional.empty(), command.scope(), command.username(), Optional.empty());
        Map<String, String> attributes = new java.util.LinkedHashMap<>(command.attributes());
        if (command.verificationCode()) {
            attributes.put(VERIFICATION_CODE, VerificationCodes.newCode());
        }
        return actions.create(action, attributes, actionTtl).flatMap(created -> {
            Action stored = created.action();
            if (!stored.belongsTo(tenant.id(), userId, actionCode)) {
                throw new ApiException(ErrorCode.INVALID_REQUEST,
                        "idempotencyKey is already used for another user or action");
            }
            // A re-track answers the code stored the first time, so the page shows one code.
            Optional<String> code = Optional.ofNullable(created.fields().get(VERIFICATION_CODE));
            return replica.kindsOf(tenant.id(), userId).map(kinds -> new Tracked(stored, token(stored),
                    verificationMethods(kinds), code));
        });
    }

    /** The action of this user and action code under the key; 404 for anything else. */
    public Uni<Action> get(String tenantId, String userId, String actionCode, String idempotencyKey) {
        return actions.find(tenantId, idempotencyKey).map(found -> found
                .filter(action -> action.belongsTo(tenantId, userId, actionCode))
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "No such action")));
    }

    /**
     * Validate (docs/protocol/decisions.md#4-validate): repeatable, the same answer for the same token. A token that does
     * not verify for this tenant, or whose action is gone, is answered {@code isValid: false} with
     * a reason instead of an HTTP error: the caller asked a question and this is the answer. Only an
     * access token, earned by a verification, can be valid: a track token answers its action with
     * {@code isValid: false} whatever the state, as the backend that tracked holds it from the start
     * (docs/protocol/decisions.md#5-token-kinds).
     */
    public Uni<Validation> validate(Tenant tenant, String token, Optional<String> actionCode, Optional<String> userId) {
        TokenClaims claims;
        try {
            claims = verifier.verify(token);
        } catch (ApiException e) {
            return Uni.createFrom().item(Validation.refused(e.code() == ErrorCode.EXPIRED_TOKEN
                    ? Validation.EXPIRED_TOKEN : Validation.INVALID_TOKEN));
        }
        if (!tenant.id().equals(claims.tenantId()) || claims.idempotencyKey() == null) {
            return Uni.createFrom().item(Validation.refused(Validation.INVALID_TOKEN));
        }
        if (claims.actionCode() == null && claims.type() == TokenType.ACCESS) {
            return validateUnbound(tenant, claims, actionCode, userId);
        }
        return actions.find(tenant.id(), claims.idempotencyKey()).map(found -> found
                .filter(action -> action.belongsTo(tenant.id(), claims.userId(), claims.actionCode()))
                .map(action -> new Validation(
                        claims.type() == TokenType.ACCESS
                                && action.state() == ActionState.CHALLENGE_SUCCEEDED
                                && actionCode.map(claims.actionCode()::equals).orElse(true)
                                && userId.map(claims.userId()::equals).orElse(true),
                        Optional.of(action), Optional.empty()))
                .orElseGet(() -> Validation.refused(Validation.INVALID_TOKEN)));
    }

    /**
     * The action the track token names, read under {@code tenantId}, if a challenge may still decide
     * it (see {@link Action#requireChallengeableBy}); answers its stored fields and track attributes
     * (ip address, user agent, custom, verification code) for the challenge to show.
     */
    public Uni<Map<String, String>> challengeable(String tenantId, TokenClaims token) {
        return actions.attributes(tenantId, token.idempotencyKey()).map(attributes -> {
            if (attributes.isEmpty()) {
                throw new ApiException(ErrorCode.NOT_FOUND, "No such action");
            }
            ActionStore.toAction(tenantId, token.idempotencyKey(), attributes).requireChallengeableBy(token);
            return attributes;
        });
    }

    /** The most actions one query answers (newest first). */
    public static final int MAX_LISTED_ACTIONS = 1000;

    /**
     * The user's actions (docs/protocol/wire.md#54-get-update-and-query-actions query): created at or after {@code fromDate} (default: as far back
     * as actions are kept), of one of {@code codes} (none = all), in {@code state} (absent = any).
     */
    public Uni<List<Action>> list(String tenantId, String userId, Optional<Instant> fromDate, List<String> codes,
            Optional<ActionState> state) {
        return actions.listForUser(tenantId, userId, fromDate.orElse(Instant.EPOCH), MAX_LISTED_ACTIONS)
                .map(found -> found.stream()
                        .filter(action -> codes.isEmpty() || codes.contains(action.actionCode()))
                        .filter(action -> state.map(action.state()::equals).orElse(true))
                        .toList());
    }

    /**
     * A review decision on an action (docs/protocol/wire.md#54-get-update-and-query-actions PATCH): only the review states may be set, a result
     * ({@code REVIEW_SUCCEEDED}/{@code REVIEW_FAILED}) only on an action whose review is required.
     * Challenge states stay the challenges' to set, so a PATCH never makes a token validate.
     */
    public Uni<Action> review(String tenantId, String userId, String actionCode, String idempotencyKey,
            ActionState target) {
        Require.that(target == ActionState.REVIEW_REQUIRED || target == ActionState.REVIEW_SUCCEEDED
                || target == ActionState.REVIEW_FAILED, "state must be REVIEW_REQUIRED, REVIEW_SUCCEEDED or REVIEW_FAILED");
        return get(tenantId, userId, actionCode, idempotencyKey)
                .flatMap(action -> actions.review(tenantId, idempotencyKey, target, Instant.ofEpochMilli(clock.millis())))
                .flatMap(refused -> {
                    if (refused.isPresent()) {
                        throw refused.get().equals("missing")
                                ? new ApiException(ErrorCode.NOT_FOUND, "No such action")
                                : new ApiException(ErrorCode.INVALID_REQUEST,
                                        "The action is " + refused.get() + "; it cannot become " + target);
                    }
                    return get(tenantId, userId, actionCode, idempotencyKey);
                });
    }

    /**
     * The access token of an in-app verification that named no action (see
     * {@code InAppChallengeService}): the first validate naming an action binds the token's action to
     * it, for good, so one verification never vouches for two different actions; a validate with
     * another action is then {@code isValid: false}. Without an action it answers the bound code, if
     * any.
     */
    private Uni<Validation> validateUnbound(Tenant tenant, TokenClaims claims, Optional<String> actionCode,
            Optional<String> userId) {
        actionCode.ifPresent(ActionService::requireActionCode);
        return actions.attributes(tenant.id(), claims.idempotencyKey()).flatMap(attributes -> {
            if (!"1".equals(attributes.get(ActionStore.UNBOUND)) || !tenant.id().equals(attributes.get("tenantId"))
                    || !claims.userId().equals(attributes.get("userId"))) {
                return Uni.createFrom().item(Validation.refused(Validation.INVALID_TOKEN));
            }
            Uni<Optional<String>> bound = actionCode.isPresent()
                    ? actions.bindActionCode(tenant.id(), claims.idempotencyKey(), actionCode.get())
                    : Uni.createFrom().item(Optional.of(attributes.get("actionCode")));
            return bound.flatMap(code -> actions.find(tenant.id(), claims.idempotencyKey()).map(found -> found
                    .map(action -> new Validation(action.state() == ActionState.CHALLENGE_SUCCEEDED
                            && actionCode.map(action.actionCode()::equals).orElse(true)
                            && userId.map(claims.userId()::equals).orElse(true), Optional.of(action), Optional.empty()))
                    .orElseGet(() -> Validation.refused(Validation.INVALID_TOKEN))));
        });
    }

    /**
     * Records a challenge's result on the action, atomically and once (docs/protocol/decisions.md#3-action-lifecycle): only an
     * action in {@code CHALLENGE_REQUIRED} moves. For push, QR and in-app challenges.
     */
    public Uni<Completion> complete(String tenantId, String idempotencyKey, boolean succeeded,
            String verificationMethod) {
        return complete(tenantId, idempotencyKey, succeeded, verificationMethod, Optional.empty());
    }

    /** As above, naming the credential whose answer it was (kept for a success). */
    public Uni<Completion> complete(String tenantId, String idempotencyKey, boolean succeeded,
            String verificationMethod, Optional<String> credentialId) {
        return actions.complete(tenantId, idempotencyKey,
                succeeded ? ActionState.CHALLENGE_SUCCEEDED : ActionState.CHALLENGE_FAILED, verificationMethod,
                credentialId.orElse(null), Instant.ofEpochMilli(clock.millis()));
    }

    public static void requireActionCode(String actionCode) {
        Require.that(actionCode != null && ACTION_CODE.matcher(actionCode).matches(),
                "action must match ^[a-zA-Z0-9_-]{1,64}$");
    }

    private Optional<String> token(Action action) {
        if (action.state() == ActionState.BLOCK) {
            return Optional.empty();
        }
        return Optional.of(issuer.issue(TokenType.TRACK, action.tenantId(), action.userId(), action.actionCode(),
                action.idempotencyKey(), Scopes.parse(action.scope().orElse(null)), action.username().orElse(null))
                .token());
    }

    /** PUSH for push credentials, DEVICE for QR-code and in-app ones; each once, PUSH first. */
    static List<String> verificationMethods(List<CredentialKind> kinds) {
        return kinds.stream().map(CredentialKind::verificationMethod).distinct()
                .sorted((a, b) -> Integer.compare(ALLOWED_VERIFICATION_METHODS.indexOf(a),
                        ALLOWED_VERIFICATION_METHODS.indexOf(b)))
                .toList();
    }

    /** Track's input beyond the path: the attributes to store and those that shape the token. */
    public record TrackCommand(Optional<String> idempotencyKey, Optional<String> scope, Optional<String> username,
            Map<String, String> attributes, boolean verificationCode) {
    }

    /**
     * Track's outcome: the action, its token (none when blocked), the user's verification methods,
     * the number-matching code when asked for.
     */
    public record Tracked(Action action, Optional<String> token, List<String> enrolledVerificationMethods,
            Optional<String> verificationCode) {
    }

    /** Validate's answer: the action when the token named one, or the reason it did not. */
    public record Validation(boolean valid, Optional<Action> action, Optional<String> error) {

        public static final String EXPIRED_TOKEN = "expired_token";
        public static final String INVALID_TOKEN = "invalid_token";

        static Validation refused(String reason) {
            return new Validation(false, Optional.empty(), Optional.of(reason));
        }
    }
}
