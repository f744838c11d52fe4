package dev.countersign.credential.service;

import java.time.Clock;
import java.time.Instant;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.exception.ConstraintViolationException;

import dev.countersign.common.audit.Audit;
import dev.countersign.common.audit.AuditEvent;
import dev.countersign.common.audit.AuthFailure;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.event.CredentialEvent;
import dev.countersign.common.event.PushTarget;
import dev.countersign.common.token.AttestationNonces;
import dev.countersign.common.token.Scopes;
import dev.countersign.common.token.TokenClaims;
import dev.countersign.credential.Attestation;
import dev.countersign.credential.Credential;
import dev.countersign.credential.attestation.AttestationChecks;
import dev.countersign.credential.metrics.CredentialMetrics;
import dev.countersign.credential.service.DeviceDetails.AttestationClaim;
import dev.countersign.credential.SigningChallenge;
import dev.countersign.credential.config.CredentialConfig;
import dev.countersign.credential.messaging.OutboxRelayer;
import dev.countersign.credential.repository.CredentialRepository;
import dev.countersign.credential.repository.OutboxRepository;
import dev.countersign.credential.repository.SigningChallengeRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;

/**
 * Enrolment, lookup and removal of device credentials. Every change writes its row and its outbox
 * event in one transaction; the relayer is nudged after the commit so the event goes out promptly.
 */
@ApplicationScoped
@RunsToCompletion
public class CredentialService {

    private static final String UNIQUE_VIOLATION = "23505";

    private final CredentialRepository credentials;
    private final OutboxRepository outbox;
    private final RemoveWindow removeWindow;
    private final OutboxRelayer relayer;
    private final Clock clock;
    private final SigningChallengeRepository signingChallenges;
    private final AttestationChecks attestationChecks;
    private final CredentialMetrics metrics;
    private final Optional<Duration> lifetime;
    private final Duration signingMessageTtl;
    private final SecureRandom random = new SecureRandom();

    public CredentialService(CredentialRepository credentials, OutboxRepository outbox, RemoveWindow removeWindow,
            OutboxRelayer relayer, Clock clock, SigningChallengeRepository signingChallenges,
            AttestationChecks attestationChecks, CredentialConfig config, CredentialMetrics metrics) {
        this.metrics = metrics;
        this.credentials = credentials;
        this.outbox = outbox;
        this.removeWindow = removeWindow;
        this.relayer = relayer;
        this.clock = clock;
        this.signingChallenges = signingChallenges;
        this.attestationChecks = attestationChecks;
        this.lifetime = config.lifetime();
        this.signingMessageTtl = config.signingMessageTtl();
    }

    /**
     * Enrols {@code key} for the token's user (docs/protocol/wire.md#32-add-a-credential). The same key again answers the credential
     * already enrolled (the SDKs re-use their key); a key enrolled by another user is refused.
     */
    public Uni<Enrolment> add(String tenantId, TokenClaims token, CredentialKind kind, DevicePublicKey key,
            DeviceDetails device) {
        // The nonce (signature, binding to this tenant and action, expiry) and the tenant's
        // attestation policy: before any database work, so a refusal writes nothing.
        return attestationChecks.check(tenantId, token.idempotencyKey(), device.attestation(), device.devicePlatform())
                .flatMap(attested -> addInTransaction(tenantId, token, kind, key, device, attested))
                // A concurrent enrolment of the same key by another user won the unique index:
                // answer as if it had been there first.
                .onFailure(CredentialService::isUniqueViolation).recoverWithUni(() -> credentials
                        .findActiveByKey(tenantId, kind, key.spkiBase64())
                        .onItem().ifNull().failWith(() -> new ApiException(ErrorCode.INVALID_REQUEST,
                                "The public key was changed concurrently; retry"))
                        .map(existing -> new Enrolment(ownedBy(existing, token.userId()), false)))
                // Also for a known key: its push token may just have been refreshed.
                .invoke(enrolment -> relayer.kick())
                .invoke(enrolment -> {
                    if (enrolment.created()) {
                        metrics.added(enrolment.credential().kind);
                        audit(AuditEvent.CREDENTIAL_ADDED, enrolment.credential()).write();
                    } else if (enrolment.pushTokenChanged()) {
                        audit(AuditEvent.PUSH_TOKEN_CHANGED, enrolment.credential()).reason("re-enrolment").write();
                    }
                });
    }

    /** An audit record about {@code credential} (docs/observability.md#audit-trail): its ids and kind, never its keys or tokens. */
    private static Audit.Entry audit(AuditEvent event, Credential credential) {
        return Audit.event(event).tenant(credential.tenantId).user(credential.userId)
                .credential(credential.id.toString()).method(credential.kind);
    }

    @WithTransaction
    Uni<Enrolment> addInTransaction(String tenantId, TokenClaims token, CredentialKind kind, DevicePublicKey key,
            DeviceDetails device, AttestationChecks.Outcome attested) {
        Optional<AttestationNonces.Verified> nonce = attested.nonce();
        return addOrFind(tenantId, token, kind, key, device, attested).call(enrolment -> nonce.isEmpty()
                ? Uni.createFrom().voidItem()
                // Single use, in the enrolment's transaction: a failed enrolment does not burn it.
                : credentials.recordNonceUse(nonce.get().id(), tenantId, enrolment.credential().id, now())
                        .invoke(first -> {
                            if (!first) {
                                throw new ApiException(ErrorCode.INVALID_REQUEST,
                                        "The attestation nonce was already used");
                            }
                        }));
    }

    private Uni<Enrolment> addOrFind(String tenantId, TokenClaims token, CredentialKind kind, DevicePublicKey key,
            DeviceDetails device, AttestationChecks.Outcome attested) {
        String userId = token.userId();
        return credentials.lockUser(tenantId, userId)
                .chain(() -> credentials.findActiveByKey(tenantId, kind, key.spkiBase64()))
                .chain(existing -> existing != null
                        ? reenrol(ownedBy(existing, userId), token, device)
                        : credentials.countActiveOfUser(tenantId, userId).chain(active -> {
                            // An enrolled user's token must say it may add another device (docs/protocol/wire.md#51-track-an-action),
                            // so a stolen track token cannot quietly add the thief's phone.
                            if (active > 0 && !token.hasScope(Scopes.ADD_AUTHENTICATORS)) {
                                throw ApiException.authentication(ErrorCode.INSUFFICIENT_SCOPE, AuthFailure.FOREIGN_TOKEN,
                                        "The user already has authenticators; the token needs scope "
                                                + Scopes.ADD_AUTHENTICATORS);
                            }
                            return insert(tenantId, userId, kind, key, device, attested);
                        }));
    }

    private Uni<Enrolment> insert(String tenantId, String userId, CredentialKind kind, DevicePublicKey key,
            DeviceDetails device, AttestationChecks.Outcome attested) {
        Credential credential = new Credential();
        credential.id = UUID.randomUUID();
        credential.tenantId = tenantId;
        credential.userId = userId;
        credential.kind = kind.wireName();
        credential.publicKey = key.spkiBase64();
        credential.deviceName = device.deviceName();
        credential.devicePlatform = device.devicePlatform();
        credential.pushToken = device.pushToken();
        credential.attestation = attestation(device.attestation(), attested);
        credential.attestationVerdict = attested.verdict();
        credential.deviceMetadata = device.metadata();
        credential.createdAt = now();
        credential.expiresAt = lifetime.map(credential.createdAt::plus).orElse(null);
        credential.version = 1;
        return credentials.persist(credential)
                .chain(() -> outbox.append(added(credential)))
                .replaceWith(new Enrolment(credential, true));
    }

    private static Attestation attestation(AttestationClaim claim, AttestationChecks.Outcome attested) {
        if (claim == null) {
            return null;
        }
        Optional<AttestationNonces.Verified> nonce = attested.nonce();
        return new Attestation(claim.provider(), claim.token(), claim.keyId(),
                nonce.map(AttestationNonces.Verified::id).orElse(null),
                nonce.map(AttestationNonces.Verified::expiresAt).orElse(null), attested.receipt());
    }

    /**
     * The read-through's answer (challenge-service): like {@link #find}, but an expired credential
     * is refused like a removed one, because a verifier must not accept its signatures.
     */
    @WithSession
    public Uni<Credential> findUsable(String tenantId, CredentialKind kind, DevicePublicKey key) {
        return find(tenantId, kind, key).invoke(credential -> {
            if (credential.isExpiredAt(clock.instant())) {
                throw new ApiException(ErrorCode.INVALID_CREDENTIAL, "Credential expired");
            }
        });
    }

    /**
     * {@code POST …/push/sign} (docs/protocol/wire.md#72-additions-of-the-newer-sdks): a fresh random message for the push credential with this
     * key to sign for {@link #updatePush}. An expired credential gets one too — renewing is what it is for.
     */
    public Uni<SigningChallenge> issueSigningMessage(String tenantId, DevicePublicKey key) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String message = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return issueSigningMessageInTransaction(tenantId, key, message);
    }

    @WithTransaction
    Uni<SigningChallenge> issueSigningMessageInTransaction(String tenantId, DevicePublicKey key, String message) {
        return credentials.findActiveByKey(tenantId, CredentialKind.PUSH, key.spkiBase64())
                .onItem().ifNull().failWith(CredentialService::invalidCredential)
                .chain(credential -> signingChallenges.deleteExpiredOf(credential.id, now()).chain(() -> {
                    SigningChallenge challenge = new SigningChallenge();
                    challenge.id = UUID.randomUUID();
                    challenge.tenantId = tenantId;
                    challenge.credentialId = credential.id;
                    challenge.message = message;
                    challenge.expiresAt = now().plus(signingMessageTtl);
                    return signingChallenges.persist(challenge);
                }));
    }

    /**
     * {@code PATCH …/push} (docs/protocol/wire.md#72-additions-of-the-newer-sdks), signed over a message from {@link #issueSigningMessage}, which
     * it consumes. Sets the push token when one is sent, renews the expiry on {@code resetExpiry}
     * (the only change an expired credential may make), refreshes the SDK metadata, and counts as a
     * verification ({@code lastVerifiedAt}): the device just proved it holds the key. A new version
     * and a {@code credential.updated} event carry the new expiry to the key replica.
     */
    public Uni<Credential> updatePush(String tenantId, PushUpdate update) {
        return updatePushInTransaction(tenantId, update).invoke(relayer::kick).invoke(credential -> {
            if (update.pushToken() != null) {
                audit(AuditEvent.PUSH_TOKEN_CHANGED, credential).reason("signed-update").write();
            }
        });
    }

    @WithTransaction
    Uni<Credential> updatePushInTransaction(String tenantId, PushUpdate update) {
        return credentials.findActiveByKeyForUpdate(tenantId, CredentialKind.PUSH, update.key().spkiBase64())
                .onItem().ifNull().failWith(CredentialService::invalidCredential)
                .chain(credential -> signingChallenges.findOfCredentialForUpdate(tenantId, credential.id,
                                update.challengeId())
                        .onItem().ifNull().failWith(() -> ApiException.authentication(ErrorCode.UNAUTHORIZED, AuthFailure.UNKNOWN_SIGNING_CHALLENGE,
                                "Unknown or already used signing challenge"))
                        .chain(challenge -> {
                            Instant now = now();
                            if (!challenge.expiresAt.isAfter(now)) {
                                throw new ApiException(ErrorCode.CHALLENGE_EXPIRED, "The signing message has expired");
                            }
                            if (!update.key().verifies(challenge.message, update.signature())) {
                                throw ApiException.authentication(ErrorCode.UNAUTHORIZED, AuthFailure.BAD_SIGNATURE, "Invalid signature");
                            }
                            if (credential.isExpiredAt(now) && !update.resetExpiry()) {
                                throw new ApiException(ErrorCode.INVALID_CREDENTIAL,
                                        "Credential expired; renew it with resetExpiry");
                            }
                            return signingChallenges.delete(challenge).chain(() -> applyUpdate(credential, update, now));
                        }));
    }

    private Uni<Credential> applyUpdate(Credential credential, PushUpdate update, Instant now) {
        if (update.pushToken() != null) {
            credential.pushToken = update.pushToken();
        }
        if (update.resetExpiry()) {
            credential.expiresAt = lifetime.map(now::plus).orElse(null);
        }
        if (update.metadata() != null) {
            credential.deviceMetadata = update.metadata();
        }
        if (credential.lastVerifiedAt == null || credential.lastVerifiedAt.isBefore(now)) {
            credential.lastVerifiedAt = now;
        }
        credential.version++;
        return outbox.append(event(CredentialEvent.UPDATED, credential, now)).replaceWith(credential);
    }

    /**
     * The same key enrolled again: answers the credential (an app reinstall keeps its key), but
     * only a token allowed to add authenticators may change its push token. Any sign-in track token
     * of the user would otherwise redirect the user's push notifications; without the scope the
     * token changes through the signed {@code PATCH …/push} (docs/protocol/decisions.md#18-enrolment-and-credentials).
     */
    private Uni<Enrolment> reenrol(Credential existing, TokenClaims token, DeviceDetails device) {
        return token.hasScope(Scopes.ADD_AUTHENTICATORS)
                ? refreshPushToken(existing, device)
                : Uni.createFrom().item(new Enrolment(existing, false));
    }

    /**
     * The same key enrolled again with a push token it did not have (newer SDKs send it, docs/protocol/wire.md#72-additions-of-the-newer-sdks;
     * an app whose token was reported unregistered gets a new one): the token is stored and
     * announced as {@code credential.updated}, so push delivery uses it. Anything else: unchanged.
     */
    private Uni<Enrolment> refreshPushToken(Credential existing, DeviceDetails device) {
        String token = device.pushToken();
        if (token == null || token.isBlank() || token.equals(existing.pushToken)) {
            return Uni.createFrom().item(new Enrolment(existing, false));
        }
        existing.pushToken = token;
        if (existing.devicePlatform == null) {
            existing.devicePlatform = device.devicePlatform();
        }
        existing.version++;
        return outbox.append(event(CredentialEvent.UPDATED, existing, now()))
                .replaceWith(new Enrolment(existing, false, true));
    }

    /**
     * A push provider reported the credential's device token dead (APNs 410 / BadDeviceToken, FCM
     * UNREGISTERED): the token is cleared and {@code credential.updated} announced, so no push goes
     * to it again. Only when the stored token is still the one reported ({@code tokenSha256}, hex):
     * a token the device replaced meanwhile is left alone. Answers whether the credential changed.
     */
    public Uni<Boolean> markPushTokenUnregistered(String tenantId, UUID credentialId, String tokenSha256) {
        return markPushTokenUnregisteredInTransaction(tenantId, credentialId, tokenSha256)
                .invoke(changed -> {
                    if (changed) {
                        relayer.kick();
                        Audit.event(AuditEvent.PUSH_TOKEN_CHANGED).tenant(tenantId).credential(credentialId.toString())
                                .method(CredentialKind.PUSH.wireName()).reason("unregistered").write();
                    }
                });
    }

    @WithTransaction
    Uni<Boolean> markPushTokenUnregisteredInTransaction(String tenantId, UUID credentialId, String tokenSha256) {
        return credentials.findActiveForUpdate(tenantId, credentialId).chain(credential -> {
            if (credential == null || credential.pushToken == null
                    || (tokenSha256 != null && !tokenSha256.equalsIgnoreCase(PushTarget.tokenSha256(credential.pushToken)))) {
                return Uni.createFrom().item(false);
            }
            credential.pushToken = null;
            credential.version++;
            return outbox.append(event(CredentialEvent.UPDATED, credential, now())).replaceWith(true);
        });
    }

    /** The caller tenant's active credential for this key; unknown and removed answer alike (docs/protocol/decisions.md#8-unknown-and-removed-keys). */
    @WithSession
    public Uni<Credential> find(String tenantId, CredentialKind kind, DevicePublicKey key) {
        return credentials.findActiveByKey(tenantId, kind, key.spkiBase64())
                .onItem().ifNull().failWith(CredentialService::invalidCredential);
    }

    /**
     * Removal by the device (docs/protocol/wire.md#33-remove-a-credential), proven by its signature over the current time window.
     * Each signature removes once: the window alone cannot tell the credential it was made for from
     * the same key enrolled again minutes later (docs/protocol/decisions.md#11-remove-window).
     */
    public Uni<Credential> removeSigned(String tenantId, CredentialKind kind, DevicePublicKey key, String signature) {
        return removeSignedInTransaction(tenantId, kind, key, signature).invoke(relayer::kick)
                .invoke(removed -> metrics.removed(removed.kind))
                .invoke(removed -> audit(AuditEvent.CREDENTIAL_REMOVED, removed).reason("device").write());
    }

    @WithTransaction
    Uni<Credential> removeSignedInTransaction(String tenantId, CredentialKind kind, DevicePublicKey key,
            String signature) {
        return credentials.findActiveByKeyForUpdate(tenantId, kind, key.spkiBase64())
                .onItem().ifNull().failWith(CredentialService::invalidCredential)
                .chain(credential -> {
                    RemoveWindow.Proof proof = removeWindow.verify(key, signature)
                            .orElseThrow(() -> ApiException.authentication(ErrorCode.UNAUTHORIZED, AuthFailure.BAD_SIGNATURE, "Invalid signature"));
                    return credentials.purgeRemoveSignatureUses(now())
                            .chain(() -> credentials.recordRemoveSignatureUse(key.fingerprint(), proof.window(),
                                    proof.signatureR(), credential.id, proof.rememberUntil()))
                            .chain(first -> {
                                if (!first) {
                                    throw ApiException.authentication(ErrorCode.UNAUTHORIZED, AuthFailure.BAD_SIGNATURE,
                                            "The remove signature was already used");
                                }
                                return markRemoved(credential);
                            });
                });
    }

    /** The user's active credentials, oldest first (Server API docs/protocol/wire.md#55-authenticators-and-users). */
    @WithSession
    public Uni<List<Credential>> listOfUser(String tenantId, String userId) {
        return credentials.listActiveOfUser(tenantId, userId);
    }

    /**
     * The read-through's answer for a user (challenge-service's per-user index missed): the user's
     * active credentials that are not expired, as {@link #findUsable} would answer each of them.
     */
    @WithSession
    public Uni<List<Credential>> listUsableOfUser(String tenantId, String userId) {
        return credentials.listActiveOfUser(tenantId, userId).map(list -> list.stream()
                .filter(credential -> !credential.isExpiredAt(clock.instant())).toList());
    }

    /** Removal through the Server API: only the tenant's own user's active credential is found. */
    public Uni<Credential> removeOfUser(String tenantId, String userId, UUID credentialId) {
        return removeOfUserInTransaction(tenantId, userId, credentialId).invoke(relayer::kick)
                .invoke(removed -> metrics.removed(removed.kind))
                .invoke(removed -> audit(AuditEvent.CREDENTIAL_REMOVED, removed).reason("server-api").write());
    }

    @WithTransaction
    Uni<Credential> removeOfUserInTransaction(String tenantId, String userId, UUID credentialId) {
        return credentials.findActiveOfUserForUpdate(tenantId, userId, credentialId)
                .onItem().ifNull().failWith(() -> new ApiException(ErrorCode.NOT_FOUND, "No such authenticator"))
                .chain(this::markRemoved);
    }

    /**
     * Records that the credential answered a challenge at {@code at} (a {@code challenge.approved}
     * event), only ever moving {@code lastVerifiedAt} forward. Deliberately no new version and no
     * outbox event: the key replica and every other consumer of {@code credential-events} hold
     * ownership and removal, not this timestamp, and a version bump per sign-in would flood the
     * compacted topic and race removals for nothing. Answers whether a row changed.
     */
    @WithTransaction
    public Uni<Boolean> recordVerification(String tenantId, UUID credentialId, Instant at) {
        return credentials.moveLastVerifiedForward(tenantId, credentialId, at.truncatedTo(ChronoUnit.MILLIS))
                .map(changed -> changed > 0);
    }

    private Uni<Credential> markRemoved(Credential credential) {
        credential.removedAt = now();
        credential.version++;
        return outbox.append(event(CredentialEvent.REMOVED, credential, credential.removedAt)).replaceWith(credential);
    }

    /** {@code credential.added}, with the attestation verdict when one was checked (never the statement). */
    private static CredentialEvent added(Credential credential) {
        return new CredentialEvent(UUID.randomUUID().toString(), CredentialEvent.ADDED, credential.tenantId,
                credential.id.toString(), credential.version, credential.userId, credential.kind, credential.publicKey,
                credential.createdAt, credential.devicePlatform, credential.pushToken, credential.expiresAt,
                credential.attestationVerdict);
    }

    private static CredentialEvent event(String type, Credential credential, Instant at) {
        return new CredentialEvent(UUID.randomUUID().toString(), type, credential.tenantId, credential.id.toString(),
                credential.version, credential.userId, credential.kind, credential.publicKey, at,
                credential.devicePlatform, credential.pushToken, credential.expiresAt);
    }

    private static Credential ownedBy(Credential existing, String userId) {
        if (!existing.userId.equals(userId)) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "public key is registered to another user");
        }
        return existing;
    }

    private Instant now() {
        // Millisecond precision: what the wire shows is exactly what is stored.
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static ApiException invalidCredential() {
        return new ApiException(ErrorCode.INVALID_CREDENTIAL, "Credential not found");
    }

    static boolean isUniqueViolation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
                return true;
            }
            if (t instanceof ConstraintViolationException violation
                    && violation.getKind() == ConstraintViolationException.ConstraintKind.UNIQUE) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
