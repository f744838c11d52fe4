package dev.countersign.challenge.inapp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.challenge.action.Action;
import dev.countersign.challenge.action.ActionService;
import dev.countersign.challenge.action.ActionState;
import dev.countersign.challenge.action.ActionStore;
import dev.countersign.challenge.config.ChallengeConfig;
import dev.countersign.challenge.lifecycle.Answer;
import dev.countersign.challenge.lifecycle.Challenge;
import dev.countersign.challenge.lifecycle.ChallengeOutbox;
import dev.countersign.challenge.lifecycle.ChallengeStore;
import dev.countersign.challenge.lifecycle.PendingEvent;
import dev.countersign.challenge.lifecycle.Snapshot;
import dev.countersign.challenge.limits.InitiationBudgets;
import dev.countersign.challenge.replica.KeyReplica;
import dev.countersign.challenge.replica.ReplicaCredential;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.audit.AuthFailure;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.common.token.AttestationNonces;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.common.token.TokenIssuer;
import dev.countersign.common.token.TokenType;
import io.smallrye.mutiny.Uni;

/**
 * In-app verification (docs/protocol/wire.md#34-generic-challenge-and-attestation-nonce, docs/protocol/wire.md#38-in-app-verify) and the attestation nonce. An in-app challenge is made without
 * a user (the app asks with the tenant's Basic header); the in-app credential that signs its id
 * binds it, once, in one script on the challenge's key — the push challenges' store, events and
 * outbox, not a second lifecycle. The verification then leaves a {@code CHALLENGE_SUCCEEDED}
 * action behind for the returned access token, so the relying party's backend validates it like
 * any other (docs/protocol/wire.md#53-validate):
 * <ul>
 * <li>with an action on the challenge: a new action of that code for the credential's user;</li>
 * <li>under a Bearer track token (the app set a token and named no action): the token's own action
 * is completed;</li>
 * <li>with neither: a new action without a code, which the first validate naming an action binds
 * to that action (the trusted-device guide: "pass the action to the validate challenge API").</li>
 * </ul>
 */
@ApplicationScoped
public class InAppChallengeService {

    private final ChallengeStore challenges;
    private final InAppTransitions transitions;
    private final InAppMethod method;
    private final ActionStore actionStore;
    private final ActionService actions;
    private final KeyReplica replica;
    private final InitiationBudgets limits;
    private final ChallengeOutbox outbox;
    private final TokenIssuer issuer;
    private final AttestationNonces nonces;
    private final AttestationNonceStore nonceStore;
    private final Clock clock;
    private final ChallengeConfig config;

    public InAppChallengeService(ChallengeStore challenges, InAppTransitions transitions, InAppMethod method,
            ActionStore actionStore, ActionService actions, KeyReplica replica, InitiationBudgets limits,
            ChallengeOutbox outbox, TokenIssuer issuer, AttestationNonces nonces, AttestationNonceStore nonceStore, Clock clock,
            ChallengeConfig config) {
        this.challenges = challenges;
        this.transitions = transitions;
        this.method = method;
        this.actionStore = actionStore;
        this.actions = actions;
        this.replica = replica;
        this.limits = limits;
        this.outbox = outbox;
        this.issuer = issuer;
        this.nonces = nonces;
        this.nonceStore = nonceStore;
        this.clock = clock;
        this.config = config;
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    /**
     * The attestation nonce for the track token's action (docs/architecture.md#service-to-service-calls): signed and bound to
     * its tenant and idempotency key, checked (and used up) by credential-service on add. It is also
     * recorded for the action, because an App Attest statement holds it only hashed and the iOS SDK
     * does not send it: credential-service looks it up ({@link #attestationNonces}). Not recorded,
     * not issued (503): a nonce the lookup cannot find would fail the enrolment later. The
     * response's {@code challengeId} is the nonce's id.
     */
    public Uni<AttestationNonces.Issued> attestationNonce(TokenClaims track) {
        AttestationNonces.Issued issued = nonces.issue(track.tenantId(), track.idempotencyKey(),
                config.ttl().attestationNonce());
        return nonceStore.record(track.tenantId(), track.idempotencyKey(), issued.nonce(), issued.expiresAt(), now())
                .onFailure().transform(failure -> new ApiException(ErrorCode.SERVICE_UNAVAILABLE,
                        "The attestation nonce could not be issued; try again"))
                .replaceWith(issued);
    }

    /** The unexpired attestation nonces issued for the action (tenant + idempotency key), oldest first. */
    public Uni<List<String>> attestationNonces(String tenantId, String idempotencyKey) {
        return nonceStore.unexpired(tenantId, idempotencyKey, now());
    }

    /**
     * A new in-app challenge of the tenant, for {@code action} when the app named one. Anyone who
     * knows the tenant id may ask, so it counts against the client address' budget first.
     */
    public Uni<Challenge> create(String tenantId, Optional<String> action, Optional<String> clientIp) {
        action.ifPresent(ActionService::requireActionCode);
        return limits.beforeInApp(tenantId, clientIp).flatMap(admitted -> store(tenantId, action));
    }

    private Uni<Challenge> store(String tenantId, Optional<String> action) {
        Instant now = now();
        // No user (null, as for an anonymous QR challenge), no targets yet: the verifying credential
        // supplies them. The idempotency key is the one of the action the verification leaves behind.
        Challenge challenge = Challenge.newPending(method, tenantId, now)
                .actionCode(action.orElse(""))
                .idempotencyKey(UUID.randomUUID().toString())
                .build();
        List<PendingEvent> announced = List.of(new PendingEvent(ChallengeEvent.CREATED, 1, now));
        Duration kept = method.ttl().plus(method.retention());
        return outbox.remember(challenge.challengeId())
                .flatMap(entry -> challenges.create(challenge, announced, kept, outbox.retention()).replaceWith(entry))
                .onFailure(failure -> !(failure instanceof ApiException))
                .transform(failure -> new ApiException(ErrorCode.SERVICE_UNAVAILABLE,
                        "The challenge could not be created; try again"))
                .flatMap(entry -> outbox.publishForRequest(new Snapshot(challenge, announced), entry))
                .replaceWith(challenge);
    }

    /**
     * Verifies: the key must be an active in-app credential (for the legacy {@code device}
     * namespace also a QR-code one, see {@code kinds}) and the signature its signature of the
     * challenge id. Under a Bearer track token the token's action must be this user's and still
     * waiting for a challenge. Then the challenge is approved once (a replay is 409, a late one
     * 410), the action gets its result and the access token is issued.
     */
    public Uni<Verified> verify(String tenantId, Optional<TokenClaims> track, String challengeId,
            DevicePublicKey key, String signature, List<CredentialKind> kinds) {
        return replica.signer(tenantId, key, challengeId, signature, kinds)
                .flatMap(credential -> challenges.find(challengeId).flatMap(found -> {
                    Challenge challenge = found
                            .filter(c -> method.kind().equals(c.kind()) && c.tenantId().equals(tenantId))
                            .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "No such challenge"));
                    if (track.isPresent()) {
                        return trackedAction(track.get(), credential, challenge)
                                .flatMap(ready -> approve(challenge, credential, track));
                    }
                    return approve(challenge, credential, track);
                }));
    }

    /** The active credential of this key among {@code kinds} (in that order), else 404 invalid_credential. */
    public Uni<ReplicaCredential> credential(String tenantId, DevicePublicKey key, List<CredentialKind> kinds) {
        return replica.require(tenantId, key, kinds);
    }

    /** The Bearer case: the token's action must be the credential user's and still need its challenge. */
    private Uni<Void> trackedAction(TokenClaims token, ReplicaCredential credential, Challenge challenge) {
        if (!token.userId().equals(credential.userId())) {
            throw ApiException.authentication(ErrorCode.INSUFFICIENT_SCOPE, AuthFailure.FOREIGN_TOKEN,
                    "The token belongs to another user");
        }
        if (!challenge.actionCode().isEmpty() && !challenge.actionCode().equals(token.actionCode())) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "The challenge was made for another action");
        }
        return actions.challengeable(token.tenantId(), token).replaceWithVoid();
    }

    private Uni<Verified> approve(Challenge challenge, ReplicaCredential credential, Optional<TokenClaims> track) {
        Instant now = now();
        Optional<String> actionCode = track.map(TokenClaims::actionCode);
        String idempotencyKey = track.map(TokenClaims::idempotencyKey).orElse(challenge.idempotencyKey());
        return transitions.verify(challenge.challengeId(), challenge.tenantId(), credential.userId(),
                        credential.credentialId(), actionCode, idempotencyKey, now, outbox.retention())
                .flatMap(answer -> settle(answer, credential, track, now));
    }

    /**
     * The accepted verification's aftermath, as for push: listed as unpublished, its event published
     * while the action gets its result, the answer waiting for Kafka up to {@code ack-wait}.
     */
    private Uni<Verified> settle(Answer answer, ReplicaCredential credential, Optional<TokenClaims> track,
            Instant now) {
        return switch (answer.outcome()) {
            case ACCEPTED -> {
                Snapshot snapshot = answer.challenge().orElseThrow();
                Challenge challenge = snapshot.challenge();
                yield outbox.publishAfter(snapshot, record(challenge, credential, track, now))
                        .map(done -> verified(challenge, credential, track));
            }
            default -> throw answer.refusal("The challenge was already used");
        };
    }

    /** The action the access token validates: the tracked one completed, or a new succeeded one. */
    private Uni<Void> record(Challenge challenge, ReplicaCredential credential, Optional<TokenClaims> track,
            Instant now) {
        if (track.isPresent()) {
            return actions.complete(challenge.tenantId(), challenge.idempotencyKey(), true,
                            method.actionVerificationMethod(), Optional.of(credential.credentialId()))
                    .replaceWithVoid();
        }
        Action action = new Action(challenge.tenantId(), challenge.idempotencyKey(), credential.userId(),
                challenge.actionCode(), ActionState.CHALLENGE_SUCCEEDED, now, now,
                Optional.of(method.actionVerificationMethod()), Optional.empty(), Optional.empty(),
                Optional.of(credential.credentialId()));
        Map<String, String> attributes = challenge.actionCode().isEmpty() ? Map.of(ActionStore.UNBOUND, "1") : Map.of();
        return actionStore.create(action, attributes, config.actionTtl()).replaceWithVoid();
    }

    private Verified verified(Challenge challenge, ReplicaCredential credential, Optional<TokenClaims> track) {
        String username = track.map(TokenClaims::username).orElse(null);
        Set<String> scopes = track.map(TokenClaims::scopes).orElse(Set.of());
        String actionCode = challenge.actionCode().isEmpty() ? null : challenge.actionCode();
        String token = issuer.issue(TokenType.ACCESS, challenge.tenantId(), credential.userId(), actionCode,
                challenge.idempotencyKey(), scopes, username).token();
        return new Verified(token, credential.userId(), credential.credentialId(), Optional.ofNullable(username));
    }

    /** The verify response's content (docs/protocol/wire.md#38-in-app-verify). */
    public record Verified(String token, String userId, String userAuthenticatorId, Optional<String> username) {
    }
}
