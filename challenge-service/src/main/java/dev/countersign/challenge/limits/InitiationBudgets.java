package dev.countersign.challenge.limits;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.countersign.challenge.config.ChallengeConfig;
import dev.countersign.challenge.limits.InitiationBudgetStore.Gate;
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
 * refused by the address budget is given back. Anonymous QR challenges have an address budget of
 * their own ({@link #beforeAnonymousQr}); the settings keep their names ({@code
 * countersign.challenge.limits.*}, {@code countersign.challenge.qr-code.ip-*}).
 */
@ApplicationScoped
public class InitiationBudgets {

    private final InitiationBudgetStore store;
    private final ChallengeConfig.Limits limits;
    private final ChallengeConfig.QrCode qrCode;
    private final Clock clock;

    public InitiationBudgets(InitiationBudgetStore store, ChallengeConfig config, Clock clock) {
        this.store = store;
        this.limits = config.limits();
        this.qrCode = config.qrCode();
        this.clock = clock;
        requireValid(limits);
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

    /**
     * Lets one push initiation through, counting it, or fails with 429 {@code too_many_requests}
     * and the time until it would be let through. {@code clientIp} may be null (no address budget).
     */
    public Uni<Void> beforeInitiation(String tenantId, String userId, String clientIp) {
        Instant now = clock.instant();
        String member = now.toEpochMilli() + ":" + UUID.randomUUID();
        return store.admitUser(tenantId, userId, now, limits.userWindow(), limits.userPushes(), member)
                .chain(user -> {
                    if (!user.admitted()) {
                        return Uni.createFrom().failure(refusal(user));
                    }
                    if (clientIp == null || clientIp.isBlank() || !ClientAddress.isBudgeted(clientIp)) {
                        return Uni.createFrom().voidItem();
                    }
                    String address = ClientAddress.network(clientIp).orElse(clientIp.strip());
                    return store.admitAddress(tenantId, address, now, limits.ipWindow(), limits.ipPushes(), member)
                            .chain(ip -> ip.admitted()
                                    ? Uni.createFrom().voidItem()
                                    : store.refundUser(tenantId, userId, member)
                                            .chain(() -> Uni.createFrom().failure(addressRefusal(ip))));
                });
    }

    /**
     * Anyone who knows a tenant id may create anonymous QR challenges: a budget per client address
     * (an IPv6 address counts as its /64), else 429 {@code too_many_requests}. No address, no budget.
     */
    public Uni<Void> beforeAnonymousQr(String tenantId, Optional<String> clientIp) {
        if (clientIp.isEmpty() || clientIp.get().isBlank() || !ClientAddress.isBudgeted(clientIp.get())) {
            return Uni.createFrom().voidItem();
        }
        String address = ClientAddress.network(clientIp.get()).orElse(clientIp.get().strip());
        Instant now = clock.instant();
        return store.admit(InitiationBudgetStore.qrAddressBudgetKey(tenantId, address), now, qrCode.ipWindow(),
                        qrCode.ipChallenges(), now.toEpochMilli() + ":" + UUID.randomUUID())
                .map(gate -> {
                    if (!gate.admitted()) {
                        throw tooMany("Too many QR challenges from this address", gate.retryIn());
                    }
                    return (Void) null;
                });
    }

    /** After an accepted answer: a rejection lengthens the user's back-off, an approval ends it. */
    public Uni<Void> onAnswered(String tenantId, String userId, boolean approved) {
        if (approved) {
            return store.approved(tenantId, userId);
        }
        return store.rejected(tenantId, userId, clock.instant(), limits.backoffBase(), limits.backoffMax(),
                limits.backoffMemory()).replaceWithVoid();
    }

    private static ApiException refusal(Gate gate) {
        return switch (gate.outcome()) {
            case BACKOFF -> tooMany("Push challenges for this user are paused after a rejection", gate.retryIn());
            default -> tooMany("Too many push challenges for this user", gate.retryIn());
        };
    }

    private static ApiException addressRefusal(Gate gate) {
        return tooMany("Too many push challenges from this address", gate.retryIn());
    }

    /** {@code Retry-After} is whole seconds, rounded up: a client retrying on time is let through. */
    private static ApiException tooMany(String description, Duration wait) {
        return new ApiException(ErrorCode.TOO_MANY_REQUESTS, description, Duration.ofSeconds(RetryAfter.seconds(wait)));
    }
}
