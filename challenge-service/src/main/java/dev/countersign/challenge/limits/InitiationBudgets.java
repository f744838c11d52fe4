package dev.countersign.challenge.limits;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.countersign.challenge.config.ChallengeConfig;
import dev.countersign.challenge.limits.InitiationBudgetStore.Gate;
import dev.countersign.challenge.metrics.ChallengeMetrics;
import dev.countersign.common.audit.Audit;
import dev.countersign.common.audit.AuditEvent;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.common.http.ClientAddress;
import dev.countersign.common.http.RetryAfter;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;

/**
 * Push-bombing limits (a limit hit answers 429 with {@code Retry-After}: docs/errors.md#429-too-many-requests). Before a push
 * challenge is created: the user's back-off after rejections, then the user's budget, then the
 * client address' budget (an IPv6 address counts as its /64). Budgets are sliding windows, so
 * there is no burst at a window boundary and {@code Retry-After} is exactly when the oldest
 * counted initiation leaves the window. Only an initiation let through counts: a user admission
 * refused by the address budget is given back, and so is an approved one (the user's own sign-ins
 * never lock them out; rejected, expired and superseded ones keep counting). The other cheap creations have budgets of their own:
 * anonymous QR challenges per address ({@link #beforeAnonymousQr}), QR challenges for a tracked
 * action per user and per address ({@link #beforeTrackedQr}), in-app challenges per address
 * ({@link #beforeInApp}); settings {@code countersign.challenge.limits.*}, {@code
 * countersign.challenge.qr-code.*} and {@code countersign.challenge.in-app.*}.
 */
@ApplicationScoped
public class InitiationBudgets {

    private final InitiationBudgetStore store;
    private final ChallengeConfig.Limits limits;
    private final ChallengeConfig.QrCode qrCode;
    private final ChallengeConfig.InApp inApp;
    private final Clock clock;
    private final ChallengeMetrics metrics;

    public InitiationBudgets(InitiationBudgetStore store, ChallengeConfig config, Clock clock,
            ChallengeMetrics metrics) {
        this.metrics = metrics;
        this.store = store;
        this.limits = config.limits();
        this.qrCode = config.qrCode();
        this.inApp = config.inApp();
        this.clock = clock;
        requireValid(limits);
        requireValid(qrCode, inApp);
    }

    /** Builds the bean at start: a nonsensical limit (checked in the constructor) stops the service, not a request. */
    void validateAtStartup(@Observes StartupEvent event) {
        // Construction has checked the limits.
    }

    static void requireValid(ChallengeConfig.Limits limits) {
        if (limits.userPushes() < 1 || limits.ipPushes() < 1) {
            throw new IllegalStateException("countersign.challenge.limits: user-pushes and ip-pushes must be at least 1");
        }
        for (Duration duration : new Duration[] {limits.userWindow(), limits.ipWindow(), limits.backoffBase(),
                limits.backoffMax(), limits.backoffMemory()}) {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalStateException("countersign.challenge.limits: windows and waits must be positive");
            }
        }
        if (limits.backoffMax().compareTo(limits.backoffBase()) < 0) {
            throw new IllegalStateException("countersign.challenge.limits: backoff-max must not be below backoff-base");
        }
    }

    static void requireValid(ChallengeConfig.QrCode qrCode, ChallengeConfig.InApp inApp) {
        if (qrCode.trackedIpChallenges() < 1 || qrCode.userChallenges() < 1 || inApp.ipChallenges() < 1) {
            throw new IllegalStateException("countersign.challenge: qr-code.tracked-ip-challenges, "
                    + "qr-code.user-challenges and in-app.ip-challenges must be at least 1");
        }
        for (Duration duration : new Duration[] {qrCode.trackedIpWindow(), qrCode.userWindow(), inApp.ipWindow()}) {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalStateException("countersign.challenge: qr-code.tracked-ip-window, "
                        + "qr-code.user-window and in-app.ip-window must be positive");
            }
        }
    }

    /** As {@link #beforeInitiation(String, String, String, String)}, with an entry of its own. */
    public Uni<Void> beforeInitiation(String tenantId, String userId, String clientIp) {
        return beforeInitiation(tenantId, userId, clientIp, member(clock.instant()));
    }

    /**
     * Lets one push initiation through, counting it as {@code slot} (the challenge id, so that its
     * approval can give the user's place back: {@link #onAnswered}), or fails with 429
     * {@code too_many_requests} and the time until it would be let through. {@code clientIp} may be
     * null (no address budget).
     */
    public Uni<Void> beforeInitiation(String tenantId, String userId, String clientIp, String slot) {
        Instant now = clock.instant();
        String member = slot;
        return store.admitUser(tenantId, userId, now, limits.userWindow(), limits.userPushes(), member)
                .chain(user -> {
                    if (!user.admitted()) {
                        return Uni.createFrom().failure(refusal(tenantId, userId, user));
                    }
                    return beforeAddress(Optional.ofNullable(clientIp),
                                    address -> InitiationBudgetStore.addressBudgetKey(tenantId, address), now,
                                    limits.ipWindow(), limits.ipPushes(), member)
                            .chain(ip -> ip.admitted()
                                    ? Uni.createFrom().voidItem()
                                    : store.refundUser(tenantId, userId, member)
                                            .chain(() -> Uni.createFrom().failure(addressRefusal(tenantId, userId, ip))));
                });
    }

    /**
     * Anyone who knows a tenant id may create anonymous QR challenges: a budget per client address
     * (an IPv6 address counts as its /64), else 429 {@code too_many_requests}. No address, no budget.
     */
    public Uni<Void> beforeAnonymousQr(String tenantId, Optional<String> clientIp) {
        Instant now = clock.instant();
        return beforeAddress(clientIp, address -> InitiationBudgetStore.qrAddressBudgetKey(tenantId, address), now,
                qrCode.ipWindow(), qrCode.ipChallenges(), member(now))
                .map(gate -> admittedOr(gate, "Too many QR challenges from this address", tenantId, null, "qr-code",
                        "address"));
    }

    /**
     * A QR challenge for a tracked action: one track token may be used for any number of them, so
     * a budget per user, then per client address (as for push, an address refusal gives the user's
     * admission back), else 429 {@code too_many_requests}.
     */
    public Uni<Void> beforeTrackedQr(String tenantId, String userId, Optional<String> clientIp) {
        Instant now = clock.instant();
        String member = member(now);
        String userKey = InitiationBudgetStore.trackedQrUserBudgetKey(tenantId, userId);
        return store.admit(userKey, now, qrCode.userWindow(), qrCode.userChallenges(), member)
                .map(gate -> admittedOr(gate, "Too many QR challenges for this user", tenantId, userId, "qr-code", "user"))
                .chain(user -> beforeAddress(clientIp,
                        address -> InitiationBudgetStore.trackedQrAddressBudgetKey(tenantId, address), now,
                        qrCode.trackedIpWindow(), qrCode.trackedIpChallenges(), member))
                .chain(ip -> ip.admitted()
                        ? Uni.createFrom().voidItem()
                        : store.refund(userKey, member).map(refunded -> admittedOr(ip,
                                "Too many QR challenges from this address", tenantId, userId, "qr-code", "address")));
    }

    /**
     * Anyone who knows a tenant id may create in-app challenges: a budget per client address (an
     * IPv6 address counts as its /64), else 429 {@code too_many_requests}. No address, no budget.
     */
    public Uni<Void> beforeInApp(String tenantId, Optional<String> clientIp) {
        Instant now = clock.instant();
        return beforeAddress(clientIp, address -> InitiationBudgetStore.inAppAddressBudgetKey(tenantId, address), now,
                inApp.ipWindow(), inApp.ipChallenges(), member(now))
                .map(gate -> admittedOr(gate, "Too many in-app challenges from this address", tenantId, null, "in-app",
                        "address"));
    }

    /**
     * Admits into the address budget {@code key} names for the client's address (its /64 for IPv6);
     * no address is admitted uncounted. The caller passes the address {@code ClientAddresses.counted}
     * answers, so the local run's direct loopback peers come here as none.
     */
    private Uni<Gate> beforeAddress(Optional<String> clientIp, Function<String, String> key, Instant now,
            Duration window, int limit, String member) {
        if (clientIp.isEmpty() || clientIp.get().isBlank()) {
            return Uni.createFrom().item(new Gate(InitiationBudgetStore.Outcome.ADMITTED, Duration.ZERO));
        }
        String address = ClientAddress.network(clientIp.get()).orElse(clientIp.get().strip());
        return store.admit(key.apply(address), now, window, limit, member);
    }

    private static String member(Instant now) {
        return now.toEpochMilli() + ":" + UUID.randomUUID();
    }

    private Void admittedOr(Gate gate, String description, String tenantId, String userId, String method,
            String reason) {
        if (!gate.admitted()) {
            refused(tenantId, userId, method, reason);
            throw tooMany(description, gate.retryIn());
        }
        return null;
    }

    /**
     * After an accepted answer: a rejection lengthens the user's back-off and keeps its place in the
     * user's budget; an approval ends the back-off and gives back the place {@code slot} took, so
     * approved pushes never use up the budget. The address budget keeps every initiation.
     */
    public Uni<Void> onAnswered(String tenantId, String userId, boolean approved, String slot) {
        if (approved) {
            return store.approved(tenantId, userId, slot);
        }
        return store.rejected(tenantId, userId, clock.instant(), limits.backoffBase(), limits.backoffMax(),
                limits.backoffMemory()).replaceWithVoid();
    }

    private ApiException refusal(String tenantId, String userId, Gate gate) {
        refused(tenantId, userId, "push", gate.outcome() == InitiationBudgetStore.Outcome.BACKOFF ? "backoff" : "user");
        return switch (gate.outcome()) {
            case BACKOFF -> tooMany("Push challenges for this user are paused after a rejection", gate.retryIn());
            default -> tooMany("Too many push challenges for this user", gate.retryIn());
        };
    }

    private ApiException addressRefusal(String tenantId, String userId, Gate gate) {
        refused(tenantId, userId, "push", "address");
        return tooMany("Too many push challenges from this address", gate.retryIn());
    }

    /** A budget refused an initiation: counted, and audited with who was refused ({@code userId} may be null). */
    private void refused(String tenantId, String userId, String method, String reason) {
        metrics.limitRefused(method, reason);
        Audit.event(AuditEvent.LIMIT_HIT).tenant(tenantId).user(userId).method(method).outcome("refused")
                .reason(reason).write();
    }

    /** {@code Retry-After} is whole seconds, rounded up: a client retrying on time is let through. */
    private static ApiException tooMany(String description, Duration wait) {
        return new ApiException(ErrorCode.TOO_MANY_REQUESTS, description, Duration.ofSeconds(RetryAfter.seconds(wait)));
    }
}
