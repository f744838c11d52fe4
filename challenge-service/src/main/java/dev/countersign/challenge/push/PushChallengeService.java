package dev.countersign.challenge.push;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.countersign.challenge.action.ActionService;
import dev.countersign.challenge.action.VerificationCodes;
import dev.countersign.challenge.config.ChallengeConfig;
import dev.countersign.challenge.lifecycle.Answer;
import dev.countersign.challenge.lifecycle.Challenge;
import dev.countersign.challenge.lifecycle.ChallengeAnswers;
import dev.countersign.challenge.lifecycle.ChallengeOutbox;
import dev.countersign.challenge.lifecycle.ChallengeStore;
import dev.countersign.challenge.lifecycle.ChallengeSupersession;
import dev.countersign.challenge.lifecycle.PendingEvent;
import dev.countersign.challenge.lifecycle.PendingIndex;
import dev.countersign.challenge.lifecycle.Snapshot;
import dev.countersign.challenge.limits.InitiationBudgets;
import dev.countersign.challenge.replica.KeyReplica;
import dev.countersign.challenge.replica.ReplicaCredential;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.audit.AuthFailure;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.error.Outages;
import dev.countersign.common.error.Require;
import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.common.token.TokenIssuer;
import dev.countersign.common.token.TokenType;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The push challenge's life (docs/protocol/wire.md#35-push-fetch-the-pending-challenge, docs/protocol/wire.md#36-push-and-qr-answer-a-challenge, docs/protocol/wire.md#41-push-from-the-browser): the browser initiates it with its track token and
 * polls it; the user's devices fetch it and approve or reject it with a signature. Every state
 * change is one script on the challenge's key (see {@link ChallengeStore}) that also records the
 * events it implies; the caller's answer waits (a bounded time) for Kafka to acknowledge them, and
 * {@link ChallengeOutbox} publishes later whatever Kafka did not take then.
 */
@ApplicationScoped
public class PushChallengeService {

    private static final Logger LOG = Logger.getLogger(PushChallengeService.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ChallengeStore challenges;
    private final PendingIndex pending;
    private final ChallengeSupersession supersession;
    private final ChallengeAnswers answers;
    private final PushMethod method;
    private final ActionService actions;
    private final KeyReplica replica;
    private final FetchNonceStore nonces;
    private final InitiationBudgets limits;
    private final ChallengeOutbox outbox;
    private final TokenIssuer issuer;
    private final Clock clock;
    private final ChallengeConfig.Push config;

    public PushChallengeService(ChallengeStore challenges, PendingIndex pending, ChallengeSupersession supersession,
            ChallengeAnswers answers,
            PushMethod method, ActionService actions, KeyReplica replica, FetchNonceStore nonces,
            InitiationBudgets limits, ChallengeOutbox outbox, TokenIssuer issuer, Clock clock,
            ChallengeConfig config) {
        this.challenges = challenges;
        this.pending = pending;
        this.supersession = supersession;
        this.answers = answers;
        this.method = method;
        this.actions = actions;
        this.replica = replica;
        this.nonces = nonces;
        this.limits = limits;
        this.outbox = outbox;
        this.issuer = issuer;
        this.clock = clock;
        this.config = config.push();
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    // --- browser: initiate and poll (docs/protocol/wire.md#41-push-from-the-browser) ---------------------------------------------------------

    /**
     * Creates a push challenge for the token's action, targeting one of the user's push credentials
     * or all of them. The action first (it must still wait for a challenge), then the targets, so a
     * request that cannot succeed spends no budget; then the push-bombing limits (the challenge id is
     * the budget's entry, so its approval can give it back); the challenge is then stored together
     * with its {@code challenge.created} and {@code push.requested} events and supersedes the user's
     * pending push challenges (docs/protocol/decisions.md#26-a-new-push-supersedes-the-pending-ones);
     * its events are published at once (or by the repair, should Kafka fail).
     */
    public Uni<Challenge> initiate(TokenClaims token, Optional<String> action, Optional<String> userAuthenticatorId,
            String clientIp) {
        Require.that(action.isEmpty() || action.get().equals(token.actionCode()),
                "action does not match the token's action");
        String tenantId = token.tenantId();
        String userId = token.userId();
        return actions.challengeable(tenantId, token)
                .flatMap(attributes -> targets(tenantId, userId, userAuthenticatorId)
                        .flatMap(targets -> {
                            Challenge challenge = newChallenge(token, attributes, targets);
                            return limits.beforeInitiation(tenantId, userId, clientIp, challenge.challengeId())
                                    .flatMap(allowed -> create(challenge));
                        }));
    }

    private Uni<List<String>> targets(String tenantId, String userId, Optional<String> userAuthenticatorId) {
        return replica.credentialIdsOf(tenantId, userId, CredentialKind.PUSH, userAuthenticatorId).map(active -> {
            List<String> targets = userAuthenticatorId
                    .map(id -> active.contains(id) ? List.of(id) : List.<String>of())
                    .orElse(active);
            if (targets.isEmpty()) {
                throw new ApiException(ErrorCode.INVALID_CREDENTIAL, userAuthenticatorId.isPresent()
                        ? "userAuthenticatorId is not an active push credential of this user"
                        : "The user has no active push credential");
            }
            return targets;
        });
    }

    private Challenge newChallenge(TokenClaims token, Map<String, String> attributes, List<String> targets) {
        Optional<String> code = Optional.ofNullable(attributes.get(ActionService.VERIFICATION_CODE));
        return Challenge.newPending(method, token.tenantId(), now())
                .userId(token.userId())
                .targetCredentialIds(targets)
                .actionCode(token.actionCode())
                .idempotencyKey(token.idempotencyKey())
                .ipAddress(attributes.get("ipAddress"))
                .userAgent(attributes.get("userAgent"))
                .deviceId(attributes.get("deviceId"))
                .custom(attributes.get("custom"))
                .verificationCode(code.orElse(null), code.map(VerificationCodes::choices).orElse(List.of()))
                .build();
    }

    private Uni<Challenge> create(Challenge challenge) {
        Instant now = challenge.createdAt();
        Duration kept = method.ttl().plus(method.retention());
        List<PendingEvent> announced = List.of(new PendingEvent(ChallengeEvent.CREATED, 1, now),
                new PendingEvent(ChallengeEvent.PUSH_REQUESTED, 1, now));
        // Listed as unpublished before the script that records the events, so no crash can leave
        // them unlisted. Stored before it enters the pending index: an initiation displacing it
        // then always finds its hash to end.
        return outbox.remember(challenge.challengeId())
                .flatMap(entry -> challenges.create(challenge, announced, kept, outbox.retention())
                        .onFailure(failure -> !Outages.isOutage(failure))
                        .invoke(failure -> LOG.errorf(failure, "Push challenge %s not stored", challenge.challengeId()))
                        .flatMap(stored -> supersession.supersedeOthers(challenge, now, kept))
                        .replaceWith(entry))
                // An outage (Redis went away between the steps) is answered by the common mapper:
                // 503 with Retry-After, one warning per outage.
                .onFailure(failure -> !(failure instanceof ApiException) && !Outages.isOutage(failure))
                .transform(failure -> new ApiException(ErrorCode.SERVICE_UNAVAILABLE,
                        "The push challenge could not be sent; try again"))
                .flatMap(entry -> outbox.publishForRequest(new Snapshot(challenge, announced), entry))
                .replaceWith(challenge);
    }

    /**
     * The browser's poll: pending, declined, or verified with a fresh access token. The challenge
     * must be the token's own (tenant, user, action, idempotency key), else 404.
     */
    public Uni<Verification> verify(TokenClaims token, String challengeId) {
        return challenges.find(challengeId).flatMap(found -> {
            Challenge challenge = found
                    .filter(c -> method.kind().equals(c.kind()) && c.tenantId().equals(token.tenantId())
                            && c.userId().equals(token.userId()) && c.actionCode().equals(token.actionCode())
                            && c.idempotencyKey().equals(token.idempotencyKey()))
                    .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "No such challenge"));
            return switch (challenge.state()) {
                case PENDING -> {
                    if (!challenge.isOpen(now())) {
                        throw Answer.expired();
                    }
                    yield Uni.createFrom().item(new Verification(false, false, Optional.empty()));
                }
                // The action is completed again (a no-op normally): should the answer have stored the
                // challenge's result but failed before the action's, this poll repairs it.
                case APPROVED -> actions.complete(challenge.tenantId(), challenge.idempotencyKey(), true,
                                method.actionVerificationMethod(), challenge.credentialId())
                        .map(done -> new Verification(true, true, Optional.of(issuer.issue(TokenType.ACCESS,
                                token.tenantId(), token.userId(), token.actionCode(), token.idempotencyKey(),
                                token.scopes(), token.username()).token())));
                case REJECTED -> actions.complete(challenge.tenantId(), challenge.idempotencyKey(), false,
                                method.actionVerificationMethod())
                        .map(done -> new Verification(true, false, Optional.empty()));
                // Superseded polls like an expiry: over without a decision, not declined (decision 26).
                case EXPIRED, BURNED, SUPERSEDED -> throw Answer.expired();
            };
        });
    }


    // --- device: fetch and answer (docs/protocol/wire.md#35-push-fetch-the-pending-challenge, docs/protocol/wire.md#36-push-and-qr-answer-a-challenge, docs/protocol/wire.md#72-additions-of-the-newer-sdks) -----------------------------------------------

    /** The active push credential of this key, else 404 invalid_credential (unknown and removed alike). */
    public Uni<ReplicaCredential> credential(String tenantId, DevicePublicKey key) {
        return replica.require(tenantId, key, List.of(CredentialKind.PUSH));
    }

    /** A single-use nonce for the signed fetch; the last one issued for a key is the only valid one. */
    public Uni<String> fetchNonce(String tenantId, DevicePublicKey key) {
        return credential(tenantId, key).flatMap(credential -> {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            return nonces.put(tenantId, key.fingerprint(), nonce, config.fetchNonceTtl()).replaceWith(nonce);
        });
    }

    /**
     * The oldest open challenge of the credential's user that targets this credential (docs/protocol/decisions.md#9-push-challenge-selection), if any. With a signature (newer SDKs), it must be the key's signature of its last nonce.
     */
    public Uni<Pending> pending(String tenantId, DevicePublicKey key, Optional<String> signature) {
        return credential(tenantId, key).flatMap(credential -> {
            Uni<Void> proof = signature.isEmpty() ? Uni.createFrom().voidItem()
                    : nonces.take(tenantId, key.fingerprint()).map(nonce -> {
                        if (nonce.isEmpty() || !key.verifies(nonce.get(), signature.get())) {
                            throw ApiException.authentication(ErrorCode.UNAUTHORIZED, AuthFailure.BAD_SIGNATURE, "Invalid signature");
                        }
                        return (Void) null;
                    });
            Instant now = now();
            return proof.flatMap(verified -> pending.pendingIds(tenantId, credential.userId(), now))
                    .flatMap(ids -> Multi.createFrom().iterable(ids)
                            .onItem().transformToUniAndConcatenate(challenges::find)
                            .map(found -> found.filter(c -> c.tenantId().equals(tenantId) && method.kind().equals(c.kind())
                                    && c.isOpen(now) && c.targets(credential.credentialId())))
                            .filter(Optional::isPresent)
                            .map(Optional::get)
                            .toUni())
                    .map(challenge -> new Pending(credential, Optional.ofNullable(challenge)));
        });
    }

    /**
     * A device's approval or rejection. The signature over the challenge id proves the key; the
     * answer script then decides atomically and records the event. Accepted: the action gets its
     * result, the limits hear of it, and the event is published (see {@link #settle}).
     */
    public Uni<Boolean> answer(String tenantId, DevicePublicKey key, String challengeId, String signature,
            boolean approved, Optional<String> verificationCode) {
        return replica.signer(tenantId, key, challengeId, signature, List.of(CredentialKind.PUSH))
                .flatMap(credential -> answers.answer(challengeId, tenantId, credential.userId(),
                        credential.credentialId(), approved, verificationCode, now(), config.maxWrongCodes(),
                        outbox.retention()))
                .flatMap(answer -> settle(answer, approved));
    }

    /**
     * The aftermath of the answer script. The challenge is listed as unpublished right after the
     * script (should this process die before, the deadline sweep publishes its event), its event is
     * published at once while the action and the limits are updated, and the device's answer waits
     * for that publishing up to {@code ack-wait}. A Kafka failure does not fail the answer: the event
     * is recorded in Redis and the repair publishes it. A Redis failure in the aftermath is 503.
     */
    private Uni<Boolean> settle(Answer answer, boolean approved) {
        return switch (answer.outcome()) {
            case ACCEPTED -> {
                Snapshot snapshot = answer.challenge().orElseThrow();
                Challenge challenge = snapshot.challenge();
                // The answer stands once the script ran (a retry gets 409); the rest is its aftermath.
                yield outbox.publishAfter(snapshot,
                                actions.complete(challenge.tenantId(), challenge.idempotencyKey(), approved,
                                                method.actionVerificationMethod(), challenge.credentialId())
                                        .flatMap(done -> limits.onAnswered(challenge.tenantId(), challenge.userId(),
                                                approved, challenge.challengeId()))
                                        .flatMap(done -> pending.release(challenge.tenantId(), challenge.userId(),
                                                challenge.challengeId()))
                                        .replaceWithVoid())
                        .replaceWith(approved);
            }
            case BURNED -> {
                // Burned is over like an expiry, and counts as a refusal for the back-off.
                Snapshot snapshot = answer.challenge().orElseThrow();
                Challenge challenge = snapshot.challenge();
                yield outbox.remember(challenge.challengeId())
                        .flatMap(entry -> {
                            Uni<Void> published = outbox.publishForRequest(snapshot, entry);
                            return limits.onAnswered(challenge.tenantId(), challenge.userId(), false,
                                            challenge.challengeId())
                                    .flatMap(done -> pending.release(challenge.tenantId(), challenge.userId(),
                                            challenge.challengeId()))
                                    .flatMap(done -> published);
                        })
                        .flatMap(done -> Uni.createFrom().<Boolean>failure(new ApiException(ErrorCode.CHALLENGE_EXPIRED,
                                "Too many wrong verification codes; the challenge is no longer valid")));
            }
            default -> throw answer.refusal("The challenge was already answered");
        };
    }

    /** The browser poll's answer (docs/protocol/wire.md#41-push-from-the-browser). */
    public record Verification(boolean isConsumed, boolean isVerified, Optional<String> accessToken) {
    }

    /** What a device's fetch found: its credential, and the challenge waiting for it, if any. */
    public record Pending(ReplicaCredential credential, Optional<Challenge> challenge) {
    }
}
