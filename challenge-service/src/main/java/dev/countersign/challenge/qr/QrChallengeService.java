package dev.countersign.challenge.qr;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.countersign.challenge.action.Action;
import dev.countersign.challenge.action.ActionService;
import dev.countersign.challenge.action.ActionState;
import dev.countersign.challenge.action.ActionStore;
import dev.countersign.challenge.config.ChallengeConfig;
import dev.countersign.challenge.lifecycle.Answer;
import dev.countersign.challenge.lifecycle.Challenge;
import dev.countersign.challenge.lifecycle.ChallengeAnswers;
import dev.countersign.challenge.lifecycle.ChallengeOutbox;
import dev.countersign.challenge.lifecycle.ChallengeStore;
import dev.countersign.challenge.lifecycle.PendingEvent;
import dev.countersign.challenge.lifecycle.Snapshot;
import dev.countersign.challenge.limits.InitiationBudgets;
import dev.countersign.challenge.replica.KeyReplica;
import dev.countersign.challenge.replica.ReplicaCredential;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.crypto.Sha256;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.error.Outages;
import dev.countersign.common.error.Require;
import dev.countersign.common.event.ChallengeEvent;
import dev.countersign.common.token.Scopes;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.common.token.TokenIssuer;
import dev.countersign.common.token.TokenType;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;

/**
 * The QR-code challenge (docs/protocol/wire.md#36-push-and-qr-answer-a-challenge, docs/protocol/wire.md#37-qr-claim-a-challenge, docs/protocol/wire.md#43-qr-by-polling, docs/protocol/decisions.md#10-claim-binds-the-challenge) on the push challenge's lifecycle: the
 * same hash per challenge, the same transition scripts (plus the claim), outbox, sweeper and events.
 * A kiosk creates it, anonymously (tenant) or bound to a tracked action (track token), and gets a
 * device code, a secret kept only as its SHA-256 in the hash: the challenge id travels in the QR
 * code, so only the device code lets anyone read the outcome or the access token. A device claims
 * it (binding it to its user), then the claiming credential alone approves or rejects it.
 */
@ApplicationScoped
public class QrChallengeService {

    /** The hash field of the device code's SHA-256 (base64url); never in an event or a log. */
    public static final String DEVICE_CODE_HASH = "deviceCodeHash";
    private static final Logger LOG = Logger.getLogger(QrChallengeService.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ChallengeStore challenges;
    private final QrTransitions transitions;
    private final ChallengeAnswers answers;
    private final QrMethod method;
    private final ActionStore actionStore;
    private final ActionService actions;
    private final KeyReplica replica;
    private final InitiationBudgets limits;
    private final ChallengeOutbox outbox;
    private final TokenIssuer issuer;
    private final Clock clock;
    private final ChallengeConfig config;

    public QrChallengeService(ChallengeStore challenges, QrTransitions transitions, ChallengeAnswers answers,
            QrMethod method, ActionStore actionStore, ActionService actions, KeyReplica replica,
            InitiationBudgets limits, ChallengeOutbox outbox, TokenIssuer issuer, Clock clock, ChallengeConfig config) {
        this.challenges = challenges;
        this.transitions = transitions;
        this.answers = answers;
        this.method = method;
        this.actionStore = actionStore;
        this.actions = actions;
        this.replica = replica;
        this.limits = limits;
        this.outbox = outbox;
        this.issuer = issuer;
        this.clock = clock;
        this.config = config;
    }

    /** A nonsensical QR setting stops the service at start, not a kiosk later. */
    void validateAtStartup(@Observes StartupEvent event) {
        requireValid(config.qrCode(), method.ttl());
    }

    static void requireValid(ChallengeConfig.QrCode qrCode, Duration ttl) {
        if (qrCode.ipChallenges() < 1) {
            throw new IllegalStateException("countersign.challenge.qr-code.ip-challenges must be at least 1");
        }
        for (Duration duration : new Duration[] {qrCode.ipWindow(), qrCode.retention(), ttl}) {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalStateException(
                        "countersign.challenge.qr-code windows, retention and ttl.qr-code must be positive");
            }
        }
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    // --- kiosk: create and poll (docs/protocol/wire.md#42-qr-over-the-kiosk-websocket, docs/protocol/wire.md#43-qr-by-polling) -------------------------------------------------------

    /**
     * A new QR challenge. With a track token it is bound to the token's user and action (the action
     * must still wait for a challenge, as for push) and counts against the user's and the client
     * address' budgets of such challenges; without one it is anonymous, for the given action, and
     * counts against the client address' budget of anonymous ones. The kiosk's address and user agent are
     * what the claiming device is shown.
     *
     * @param custom the {@code custom} object as JSON text
     * @param countedIp the address the budgets count ({@code ClientAddresses.counted}), none for an exempt client
     */
    public Uni<Created> create(String tenantId, Optional<TokenClaims> token, Optional<String> action,
            Optional<String> custom, Optional<String> clientIp, Optional<String> countedIp, Optional<String> userAgent) {
        if (token.isPresent()) {
            TokenClaims claims = token.get();
            Require.that(action.isEmpty() || action.get().equals(claims.actionCode()),
                    "action does not match the token's action");
            // The budgets after the action check, so a refused token spends none.
            return actions.challengeable(tenantId, claims).flatMap(attributes -> limits
                    .beforeTrackedQr(tenantId, claims.userId(), countedIp)
                    .flatMap(admitted -> store(tenantId, claims.userId(), claims.actionCode(),
                            claims.idempotencyKey(), custom.or(() -> Optional.ofNullable(attributes.get("custom"))),
                            clientIp, userAgent)));
        }
        String actionCode = Require.valid(action, "action is required without a track token");
        ActionService.requireActionCode(actionCode);
        return limits.beforeAnonymousQr(tenantId, countedIp).flatMap(admitted -> store(tenantId, null, actionCode,
                UUID.randomUUID().toString(), custom, clientIp, userAgent));
    }

    private Uni<Created> store(String tenantId, String userId, String actionCode, String idempotencyKey,
            Optional<String> custom, Optional<String> clientIp, Optional<String> userAgent) {
        Instant now = now();
        Challenge challenge = Challenge.newPending(method, tenantId, now)
                .userId(userId)
                .actionCode(actionCode)
                .idempotencyKey(idempotencyKey)
                .ipAddress(clientIp.filter(ip -> !ip.isBlank()).orElse(null))
                .userAgent(userAgent.filter(agent -> !agent.isBlank()).orElse(null))
                .custom(custom.orElse(null))
                .build();
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String deviceCode = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        List<PendingEvent> announced = List.of(new PendingEvent(ChallengeEvent.CREATED, 1, now));
        Duration kept = method.ttl().plus(method.retention());
        // Listed as unpublished before the script that records the event (as for push).
        return outbox.remember(challenge.challengeId())
                .flatMap(entry -> challenges.create(challenge, Map.of(DEVICE_CODE_HASH, hash(deviceCode)), announced,
                        kept, outbox.retention()).replaceWith(entry))
                // An outage is answered by the common mapper (503, Retry-After, one warning per outage).
                .onFailure(failure -> !(failure instanceof ApiException) && !Outages.isOutage(failure))
                .transform(failure -> {
                    LOG.errorf(failure, "QR challenge %s not stored", challenge.challengeId());
                    return new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "The QR challenge could not be created");
                })
                .flatMap(entry -> outbox.publishForRequest(new Snapshot(challenge, announced), entry))
                .replaceWith(new Created(challenge, deviceCode));
    }

    /**
     * The kiosk's poll, with the device code. Anything but this tenant's QR challenge with this
     * device code is 404, so a wrong code tells nothing. Approved: a fresh access token for the
     * claiming user on every poll until the challenge is dropped (its retention after the deadline),
     * so several notifier replicas and a retrying kiosk all get one.
     */
    public Uni<Verification> verify(String tenantId, String challengeId, String deviceCode) {
        return challenges.fields(challengeId).flatMap(fields -> {
            if (fields.isEmpty() || !tenantId.equals(fields.get("tenantId")) || !method.kind().equals(fields.get("kind"))
                    || !matches(fields.get(DEVICE_CODE_HASH), deviceCode)) {
                throw new ApiException(ErrorCode.NOT_FOUND, "No such challenge");
            }
            Challenge challenge = ChallengeStore.toChallenge(fields);
            boolean claimed = challenge.credentialId().isPresent();
            return switch (challenge.state()) {
                case PENDING -> {
                    if (!challenge.isOpen(now())) {
                        throw Answer.expired();
                    }
                    yield Uni.createFrom().item(new Verification(claimed, false, false, Optional.empty()));
                }
                // Completed again (a no-op normally): repairs an action whose update failed after the answer.
                case APPROVED -> ensureAction(challenge)
                        .flatMap(action -> actions.complete(tenantId, challenge.idempotencyKey(), true,
                                method.actionVerificationMethod(), challenge.credentialId()).replaceWith(action))
                        .map(action -> new Verification(true, true, true, Optional.of(issuer.issue(TokenType.ACCESS,
                                tenantId, challenge.userId(), challenge.actionCode(), challenge.idempotencyKey(),
                                Scopes.parse(action.scope().orElse(null)), action.username().orElse(null)).token())));
                case REJECTED -> ensureAction(challenge)
                        .flatMap(action -> actions.complete(tenantId, challenge.idempotencyKey(), false,
                                method.actionVerificationMethod()))
                        .map(done -> new Verification(true, true, false, Optional.empty()));
                case EXPIRED, BURNED, SUPERSEDED -> throw Answer.expired();
            };
        });
    }

    /**
     * The action the challenge decides: the tracked one, or for an anonymous challenge one made for
     * the claiming user (create-if-absent, so claim, answer and poll may all call it), so that
     * validate finds it behind the access token like any tracked action.
     */
    private Uni<Action> ensureAction(Challenge challenge) {
        Instant now = now();
        Action action = new Action(challenge.tenantId(), challenge.idempotencyKey(), challenge.userId(),
                challenge.actionCode(), ActionState.CHALLENGE_REQUIRED, now, now, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
        Map<String, String> attributes = new LinkedHashMap<>();
        challenge.ipAddress().ifPresent(ip -> attributes.put("ipAddress", ip));
        challenge.userAgent().ifPresent(agent -> attributes.put("userAgent", agent));
        challenge.custom().ifPresent(custom -> attributes.put("custom", custom));
        return actionStore.create(action, attributes, config.actionTtl()).map(created -> {
            if (!created.action().belongsTo(challenge.tenantId(), challenge.userId(), challenge.actionCode())) {
                // Cannot happen for our own random keys; never hand out a token for someone else's action.
                throw new IllegalStateException("Action of QR challenge " + challenge.challengeId() + " is another's");
            }
            return created.action();
        });
    }

    // --- device: claim and answer (docs/protocol/wire.md#36-push-and-qr-answer-a-challenge, docs/protocol/wire.md#37-qr-claim-a-challenge) -----------------------------------------------------

    /** The active QR-code credential of this key, else 404 invalid_credential (unknown and removed alike). */
    public Uni<ReplicaCredential> credential(String tenantId, DevicePublicKey key) {
        return replica.require(tenantId, key, List.of(CredentialKind.QR_CODE));
    }

    /**
     * Binds the challenge to the credential's user, atomically (one script): a second claim, by
     * any credential, is 409; a challenge bound to another user by its track token is 404. Answers
     * the claimed challenge, whose context (the kiosk's) the device shows.
     */
    public Uni<Challenge> claim(String tenantId, DevicePublicKey key, String challengeId, String signature) {
        return replica.signer(tenantId, key, challengeId, signature, List.of(CredentialKind.QR_CODE))
                .flatMap(credential -> transitions.claim(challengeId, tenantId, credential.userId(),
                        credential.credentialId(), now(), outbox.retention()))
                .flatMap(claim -> switch (claim.outcome()) {
                    case ACCEPTED -> {
                        Snapshot snapshot = claim.challenge().orElseThrow();
                        Challenge challenge = snapshot.challenge();
                        yield outbox.publishAfter(snapshot, ensureAction(challenge).replaceWithVoid())
                                .replaceWith(challenge);
                    }
                    default -> throw claim.refusal("The challenge was already claimed");
                });
    }

    /**
     * The claiming credential's approval or rejection, by the push answer script: the challenge's
     * only target after the claim is the claiming credential, so any other credential (and an
     * unclaimed challenge) is 404 like a challenge it cannot see. QR challenges carry no
     * verification code.
     */
    public Uni<Boolean> answer(String tenantId, DevicePublicKey key, String challengeId, String signature,
            boolean approved) {
        return replica.signer(tenantId, key, challengeId, signature, List.of(CredentialKind.QR_CODE))
                .flatMap(credential -> challenges.fields(challengeId).flatMap(fields -> {
                    if (!method.kind().equals(fields.get("kind"))) {
                        // A push challenge is answered at …/push/challenge, not here.
                        throw new ApiException(ErrorCode.NOT_FOUND, "No such challenge");
                    }
                    return answers.answer(challengeId, tenantId, credential.userId(), credential.credentialId(),
                            approved, Optional.empty(), now(), Integer.MAX_VALUE, outbox.retention());
                }))
                .flatMap(answer -> settle(answer, approved));
    }

    private Uni<Boolean> settle(Answer answer, boolean approved) {
        return switch (answer.outcome()) {
            case ACCEPTED -> {
                Snapshot snapshot = answer.challenge().orElseThrow();
                Challenge challenge = snapshot.challenge();
                yield outbox.publishAfter(snapshot, ensureAction(challenge)
                        .flatMap(action -> actions.complete(challenge.tenantId(), challenge.idempotencyKey(),
                                approved, method.actionVerificationMethod(), challenge.credentialId()))
                        .replaceWithVoid())
                        .replaceWith(approved);
            }
            default -> throw answer.refusal("The challenge was already answered");
        };
    }

    /**
     * After a transition script: list the challenge as unpublished, publish its event (waiting for
     * Kafka up to ack-wait, never failing on it) while the action is updated. The transition stands
     * whatever happens here; a Redis failure is 503 and a retry gets 409.
     */

    static String hash(String deviceCode) {
        return Sha256.base64Url(deviceCode);
    }

    /** Compares the hashes in constant time, so response times say nothing about the stored one. */
    private static boolean matches(String storedHash, String deviceCode) {
        if (storedHash == null || deviceCode == null) {
            return false;
        }
        return MessageDigest.isEqual(storedHash.getBytes(StandardCharsets.US_ASCII),
                hash(deviceCode).getBytes(StandardCharsets.US_ASCII));
    }

    /** A new challenge and its device code (answered to the kiosk once, stored only hashed). */
    public record Created(Challenge challenge, String deviceCode) {
    }

    /** The kiosk poll's answer (docs/protocol/wire.md#43-qr-by-polling). */
    public record Verification(boolean isClaimed, boolean isConsumed, boolean isVerified,
            Optional<String> accessToken) {
    }
}
