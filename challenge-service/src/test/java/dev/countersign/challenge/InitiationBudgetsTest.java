package dev.countersign.challenge;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.countersign.challenge.limits.InitiationBudgetStore;
import dev.countersign.challenge.limits.InitiationBudgets;
import dev.countersign.common.error.ApiException;
import dev.countersign.common.error.ErrorCode;
import dev.countersign.testkit.SettableClock;
import dev.countersign.testkit.TestTenants;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;

/** The default limits: 10 pushes per user and 30 per address in 10 minutes; back-off 30 s doubling to 15 min. */
@QuarkusTest
class InitiationBudgetsTest {

    static final String TENANT = TestTenants.TENANT_ID;

    @Inject
    InitiationBudgets limits;

    @Inject
    SettableClock clock;

    @Inject
    RedisDataSource redis;

    Instant start;

    @BeforeEach
    void freezeClock() {
        start = Instant.now();
        clock.freezeAt(start);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static String user() {
        return "user-" + UUID.randomUUID();
    }

    /** An address of its own /64, so no other test shares its budget. */
    static String address() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format("2001:db8:%x:%x::1", random.nextInt(0x10000), random.nextInt(0x10000));
    }

    /** Every challenge hash in Redis: a refused creation must add none (and so publish no event). */
    static java.util.Set<String> challengeKeys(RedisDataSource redis) {
        return new java.util.HashSet<>(redis.key(String.class).keys("cs:{ch:*}"));
    }

    void initiate(String userId, String ip) {
        limits.beforeInitiation(TENANT, userId, ip).await().atMost(Duration.ofSeconds(5));
    }

    /** An initiation counted as {@code slot}, as push counts its challenge id. */
    void initiate(String userId, String ip, String slot) {
        limits.beforeInitiation(TENANT, userId, ip, slot).await().atMost(Duration.ofSeconds(5));
    }

    ApiException refused(String userId, String ip) {
        ApiException refusal = catchThrowableOfType(ApiException.class, () -> initiate(userId, ip));
        assertThat(refusal).as("refused").isNotNull();
        assertThat(refusal.code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
        return refusal;
    }

    /** An answer to a challenge that holds no place in the budget (the back-off alone). */
    void answer(String userId, boolean approved) {
        answer(userId, approved, "no-slot-" + UUID.randomUUID());
    }

    void answer(String userId, boolean approved, String slot) {
        limits.onAnswered(TENANT, userId, approved, slot).await().atMost(Duration.ofSeconds(5));
    }

    void at(Duration sinceStart) {
        clock.freezeAt(start.plus(sinceStart));
    }

    long counted(String key) {
        return redis.sortedSet(String.class).zcard(key);
    }

    @Test
    void userBudgetOfTenThenRefusedUntilTheOldestLeavesTheWindow() {
        String userId = user();
        for (int i = 0; i < 10; i++) {
            at(Duration.ofSeconds(10L * i));
            initiate(userId, address());
        }
        at(Duration.ofSeconds(100));
        ApiException refusal = refused(userId, address());
        assertThat(refusal.getMessage()).isEqualTo("Too many push challenges for this user");
        assertThat(refusal.retryAfter()).isEqualTo(Duration.ofSeconds(500));

        // A sliding window: at 10 minutes the first initiation (t=0) leaves, and only that one.
        at(Duration.ofSeconds(599));
        assertThat(refused(userId, address()).retryAfter()).isEqualTo(Duration.ofSeconds(1));
        at(Duration.ofSeconds(600));
        initiate(userId, address());
        assertThat(refused(userId, address()).retryAfter()).isEqualTo(Duration.ofSeconds(10));
        assertThat(counted(InitiationBudgetStore.userBudgetKey(TENANT, userId))).isEqualTo(10);
    }

    @Test
    void retryAfterIsRoundedUpToWholeSeconds() {
        String userId = user();
        for (int i = 0; i < 10; i++) {
            initiate(userId, null);
        }
        at(Duration.ofMillis(100_500));
        assertThat(refused(userId, null).retryAfter()).isEqualTo(Duration.ofSeconds(500));
    }

    @Test
    void refusedInitiationsAreNotCounted() {
        String userId = user();
        for (int i = 0; i < 10; i++) {
            initiate(userId, null);
        }
        for (int i = 0; i < 5; i++) {
            refused(userId, null);
        }
        assertThat(counted(InitiationBudgetStore.userBudgetKey(TENANT, userId))).isEqualTo(10);
        at(Duration.ofMinutes(10));
        initiate(userId, null);
    }

    @Test
    void usersAndTenantsHaveBudgetsOfTheirOwn() {
        String userId = user();
        for (int i = 0; i < 10; i++) {
            initiate(userId, null);
        }
        refused(userId, null);
        initiate(user(), null);
        limits.beforeInitiation(TestTenants.OTHER_TENANT_ID, userId, null).await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void addressBudgetOfThirtyAcrossUsers() {
        String ip = address();
        for (int i = 0; i < 30; i++) {
            at(Duration.ofSeconds(i));
            initiate(user(), ip);
        }
        String victim = user();
        ApiException refusal = refused(victim, ip);
        assertThat(refusal.getMessage()).isEqualTo("Too many push challenges from this address");
        assertThat(refusal.retryAfter()).isEqualTo(Duration.ofSeconds(571));
        // The user's admission was given back: the address' refusal cost the user nothing.
        assertThat(counted(InitiationBudgetStore.userBudgetKey(TENANT, victim))).isZero();
        initiate(victim, address());
    }

    @Test
    void aLoopbackAddressIsBudgetedLikeAnyOther() {
        // Exempting the local run's direct loopback peers is the caller's (ClientAddresses.counted):
        // an address that arrives here is counted, the loopback's too.
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String loopback = "127." + random.nextInt(1, 255) + "." + random.nextInt(1, 255) + ".1";
        for (int i = 0; i < 30; i++) {
            initiate(user(), loopback);
        }
        assertThat(refused(user(), loopback).getMessage()).isEqualTo("Too many push challenges from this address");
        assertThat(counted(InitiationBudgetStore.addressBudgetKey(TENANT, loopback))).isEqualTo(30);
    }

    @Test
    void ipv6AddressesOfOneSlash64ShareABudget() {
        String prefix = address().replace("::1", "");
        for (int i = 0; i < 30; i++) {
            initiate(user(), prefix + ":" + Integer.toHexString(i + 1) + ":0:0:" + Integer.toHexString(i + 7));
        }
        refused(user(), prefix + ":ffff:ffff:ffff:ffff");
        assertThat(counted(InitiationBudgetStore.addressBudgetKey(TENANT, prefix + "::/64"))).isEqualTo(30);
    }

    @Test
    void backoffAfterRejectionDoublesAndIsCapped() {
        String userId = user();
        initiate(userId, null);
        answer(userId, false);

        at(Duration.ofSeconds(10));
        ApiException refusal = refused(userId, null);
        assertThat(refusal.getMessage()).isEqualTo("Push challenges for this user are paused after a rejection");
        assertThat(refusal.retryAfter()).isEqualTo(Duration.ofSeconds(20));
        at(Duration.ofSeconds(30));
        initiate(userId, null);
        answer(userId, false);

        at(Duration.ofSeconds(89));
        assertThat(refused(userId, null).retryAfter()).isEqualTo(Duration.ofSeconds(1));
        at(Duration.ofSeconds(90));
        initiate(userId, null);
        answer(userId, false);
        assertThat(refused(userId, null).retryAfter()).isEqualTo(Duration.ofSeconds(120));

        // 30 s * 2^5 = 16 min: capped at 15.
        for (int i = 0; i < 3; i++) {
            answer(userId, false);
        }
        assertThat(refused(userId, null).retryAfter()).isEqualTo(Duration.ofMinutes(15));
        answer(userId, false);
        assertThat(refused(userId, null).retryAfter()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void approvalEndsTheBackoff() {
        String userId = user();
        answer(userId, false);
        answer(userId, false);
        assertThat(refused(userId, null).retryAfter()).isEqualTo(Duration.ofSeconds(60));
        answer(userId, true);
        assertThat(redis.key(String.class).exists(InitiationBudgetStore.backoffKey(TENANT, userId))).isFalse();
        initiate(userId, null);
        // The run starts over: the next rejection costs the base wait again.
        answer(userId, false);
        assertThat(refused(userId, null).retryAfter()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void approvedInitiationsGiveTheirUserPlaceBackButKeepTheirAddressPlace() {
        String userId = user();
        String ip = address();
        String userKey = InitiationBudgetStore.userBudgetKey(TENANT, userId);
        String ipKey = InitiationBudgetStore.addressBudgetKey(TENANT, ip.replace("::1", "::/64"));
        for (int i = 0; i < 25; i++) {
            String slot = "challenge-" + i;
            initiate(userId, ip, slot);
            answer(userId, true, slot);
        }
        assertThat(counted(userKey)).isZero();
        assertThat(counted(ipKey)).isEqualTo(25);

        // Rejected ones keep their place (and pause the user); so do unanswered ones.
        initiate(userId, ip, "rejected");
        answer(userId, false, "rejected");
        at(Duration.ofSeconds(30));
        initiate(userId, ip, "unanswered");
        assertThat(redis.sortedSet(String.class).zrange(userKey, 0, -1)).containsExactly("rejected", "unanswered");
    }

    @Test
    void backoffIsCheckedFirstAndSpendsNoBudget() {
        String userId = user();
        String ip = address();
        answer(userId, false);
        for (int i = 0; i < 5; i++) {
            assertThat(refused(userId, ip).getMessage()).contains("paused");
        }
        assertThat(counted(InitiationBudgetStore.userBudgetKey(TENANT, userId))).isZero();
        assertThat(counted(InitiationBudgetStore.addressBudgetKey(TENANT, ip.replace("::1", "::/64")))).isZero();
    }

    @Test
    void everyKeyHasATtlAndTheDesignName() {
        String userId = user();
        String ip = address();
        initiate(userId, ip);
        answer(userId, false);

        String userKey = "cs:{rl:" + TENANT + ":u:" + userId + "}:push";
        String backoffKey = "cs:{rl:" + TENANT + ":u:" + userId + "}:backoff";
        String ipKey = "cs:{rl:" + TENANT + ":ip:" + ip.replace("::1", "::/64") + "}:push";
        assertThat(List.of(InitiationBudgetStore.userBudgetKey(TENANT, userId), InitiationBudgetStore.backoffKey(TENANT, userId),
                InitiationBudgetStore.addressBudgetKey(TENANT, ip.replace("::1", "::/64"))))
                .containsExactly(userKey, backoffKey, ipKey);
        assertThat(redis.key(String.class).pttl(userKey)).isBetween(590_000L, 600_000L);
        assertThat(redis.key(String.class).pttl(ipKey)).isBetween(590_000L, 600_000L);
        assertThat(redis.key(String.class).pttl(backoffKey)).isBetween(3_590_000L, 3_600_000L);
        assertThat(redis.hash(String.class).hgetall(backoffKey))
                .containsEntry("rejections", "1")
                .containsEntry("until", Long.toString(start.plusSeconds(30).toEpochMilli()));
    }

    @Test
    void concurrentInitiationsNeverExceedTheBudget() {
        String userId = user();
        List<Uni<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            attempts.add(limits.beforeInitiation(TENANT, userId, address())
                    .replaceWith(true)
                    .onFailure(ApiException.class).recoverWithItem(false));
        }
        List<Boolean> outcomes = Uni.join().all(attempts).andFailFast().await().atMost(Duration.ofSeconds(10));
        assertThat(outcomes.stream().filter(admitted -> admitted).count()).isEqualTo(10);
        assertThat(counted(InitiationBudgetStore.userBudgetKey(TENANT, userId))).isEqualTo(10);
    }

    @Test
    void refusalOverHttpIsTooManyRequestsWithRetryAfter() {
        String userId = user();
        answer(userId, false);
        at(Duration.ofMillis(4_200));
        given().header("X-Forwarded-For", address())
                .post("/test/push-initiation/{tenant}/{user}", TENANT, userId)
                .then().statusCode(429)
                .header("Retry-After", "26")
                .body("error", equalTo("too_many_requests"))
                .body("errorCode", equalTo("too_many_requests"))
                .body("errorDescription", equalTo("Push challenges for this user are paused after a rejection"));
        at(Duration.ofSeconds(30));
        given().header("X-Forwarded-For", "198.51.100.23")
                .post("/test/push-initiation/{tenant}/{user}", TENANT, userId)
                .then().statusCode(200).body("address", equalTo("198.51.100.23"));
        assertThat(counted(InitiationBudgetStore.addressBudgetKey(TENANT, "198.51.100.23"))).isEqualTo(1);
    }
}
